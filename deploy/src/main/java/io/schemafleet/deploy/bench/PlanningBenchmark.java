package io.schemafleet.deploy.bench;

import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Times graph loading and planning on large revision graphs: a 5,000-revision chain and
 * a 5,000-revision graph with labelled branches, merges and cross-branch dependencies.
 * Run: {@code java -cp deploy/target/schemafleet.jar io.schemafleet.deploy.bench.PlanningBenchmark [revisions] [runs]}.
 * Prints median and worst time per operation after a warm-up.
 */
public final class PlanningBenchmark {
    private PlanningBenchmark() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf("revisions=%d runs=%d java=%s cpus=%d%n", size, runs,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        run("chain", chain(size), runs);
        run("branchy", branchy(size, new Random(42)), runs);
    }

    private static void run(String shape, List<Revision> revisions, int runs) {
        RevisionGraph graph = RevisionGraph.of(revisions);
        MigrationPlanner planner = new MigrationPlanner(graph);
        List<String> heads = graph.heads();
        String middle = revisions.get(revisions.size() / 2).id();
        List<String> middleHeads = planner.upgrade(middle, List.of()).headsAfter();
        time(shape, "load graph", runs, () -> RevisionGraph.of(revisions).size());
        time(shape, "plan upgrade heads from empty", runs, () -> planner.upgrade("heads", List.of()).steps().size());
        time(shape, "plan upgrade heads from middle", runs, () -> planner.upgrade("heads", middleHeads).steps().size());
        time(shape, "plan downgrade base from heads", runs, () -> planner.downgrade("base", heads).steps().size());
        time(shape, "plan upgrade heads when at heads", runs, () -> planner.upgrade("heads", heads).steps().size());
        Plan full = planner.upgrade("heads", List.of());
        System.out.printf("  %s: %d steps to heads, %d head(s)%n", shape, full.steps().size(), full.headsAfter().size());
    }

    private static void time(String shape, String what, int runs, Supplier<Integer> op) {
        for (int i = 0; i < Math.max(3, runs / 4); i++) {
            op.get();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            op.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-8s %-34s median %8.2f ms   max %8.2f ms%n", shape, what, ms[runs / 2], ms[runs - 1]);
    }

    static List<Revision> chain(int size) {
        List<Revision> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(Revision.of(id(i), i == 0 ? List.of() : List.of(id(i - 1)), List.of(), List.of()));
        }
        return out;
    }

    /** Ten labelled branches from one root; every 50 revisions two branches merge and split again. */
    static List<Revision> branchy(int size, Random random) {
        List<Revision> out = new ArrayList<>(size);
        out.add(Revision.of(id(0), List.of(), List.of(), List.of()));
        int branches = 10;
        String[] tips = new String[branches];
        Arrays.fill(tips, id(0));
        for (int i = 1; i < size; i++) {
            int b = (i - 1) % branches;
            List<String> labels = i <= branches ? List.of("b" + b) : List.of();
            List<String> deps = List.of();
            if (i > 100 && random.nextInt(20) == 0) {
                deps = List.of(tips[(b + 1 + random.nextInt(branches - 1)) % branches]);
            }
            List<String> parents = List.of(tips[b]);
            if (i % 50 == 0) {
                int other = (b + 1) % branches;
                parents = List.of(tips[b], tips[other]);
                tips[other] = id(i);
                deps = List.of();
            }
            out.add(Revision.of(id(i), parents, labels, deps));
            tips[b] = id(i);
        }
        return out;
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "r%011x", i * 2654435761L & 0xffffffffffL);
    }
}
