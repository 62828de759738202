package io.schemafleet.deploy.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one {@link FleetBenchmark} run as Markdown tables, goals checked, and the growth charts. */
final class BenchReport {
    private final BenchSettings settings;
    final List<ConvergenceBench.Result> convergence = new ArrayList<>();
    final List<ProjectionBench.Result> projection = new ArrayList<>();
    PublishLatencyBench.Result latency;
    ServerWorkBench.Result serverWork;
    /** Which PostgreSQL ran everything, and whether it flushed its commits. */
    String postgres = "";

    BenchReport(BenchSettings settings) {
        this.settings = settings;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run %s on %d CPUs, Java %s; embedded Kafka in the benchmark JVM;"
                        + " PostgreSQL: %s; agent JVM `%s`, coordinator JVM `%s`. Load is `uptime`'s 1-minute"
                        + " average before→after each figure, then the 5- and 15-minute ones.%n%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), postgres,
                settings.agentJvm(), settings.coordinatorJvm()));
        if (serverWork != null) {
            md.append(serverWorkTable());
        }
        if (!convergence.isEmpty()) {
            md.append(String.format(Locale.ROOT, "**Convergence**: N schema tenants × %d revisions, %d at once on every side.%n%n",
                    settings.revisions(), settings.parallel()));
            md.append("| tenants | floor (plain JDBC): mean (before, after) | Schemafleet through Kafka | ratio |");
            for (int t : settings.flywayThreads()) {
                md.append(" Flyway loop, ").append(t).append(t == 1 ? " thread" : " threads").append(" |");
            }
            md.append(" Flyway loop ÷ Schemafleet | agent RSS (peak) | PostgreSQL CPU a step, user + system:"
                    + " floor → end to end | load |\n|---:|---:|---:|---:|");
            settings.flywayThreads().forEach(t -> md.append("---:|"));
            md.append("---:|---:|---:|---|\n");
            for (ConvergenceBench.Result r : convergence) {
                md.append(String.format(Locale.ROOT, "| %,d | %.1f s (%.1f, %.1f) | %.1f s | %.2f× |", r.tenants(),
                        r.floorSeconds(), r.floorBefore(), r.floorAfter(), r.agentSeconds(), r.ratio()));
                for (int t : settings.flywayThreads()) { // the header's order, whatever the map's
                    Double s = r.flywaySeconds().get(t);
                    md.append(s == null ? " — |" : String.format(Locale.ROOT, " %.1f s |", s));
                }
                double speedup = flywayLoop(r) / r.agentSeconds();
                md.append(String.format(Locale.ROOT, " %s | %.0f MB (%.0f MB) | %s | %s |%n",
                        Double.isNaN(speedup) ? "not run" : String.format(Locale.ROOT, "%.1f×", speedup),
                        r.agentMemory().rssMb(), r.agentMemory().peakMb(), serverCpu(r), r.load()));
            }
            md.append('\n');
        }
        if (latency != null) {
            md.append(String.format(Locale.ROOT, "**Publish → first step started**: %d publishes of one revision, %d tenants at head.%n%n",
                    latency.millis().length, latency.tenants()));
            md.append("| samples | p50 | p99 | slowest | load |\n|---:|---:|---:|---:|---|\n");
            md.append(String.format(Locale.ROOT, "| %d | %.0f ms | %.0f ms | %.0f ms | %s |%n%n", latency.millis().length,
                    latency.percentile(50), latency.percentile(99), latency.millis()[latency.millis().length - 1], latency.load()));
        }
        if (!projection.isEmpty()) {
            md.append("**Coordinator**: simulated agents' reports projected into PostgreSQL, then `GET /api/fleet`"
                    + " (200 requests, auth on) over that fleet.\n\n");
            md.append("| simulated tenants | reports | reports/s | all projected after | GET /api/fleet p50 | p99 |"
                    + " coordinator RSS (peak) | load |\n|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (ProjectionBench.Result r : projection) {
                md.append(String.format(Locale.ROOT, "| %,d | %,d | %s | %.1f s | %.1f ms | %.1f ms | %.0f MB (%.0f MB) | %s |%n",
                        r.tenants(), r.reports(), Double.isNaN(r.reportsPerSecond()) ? "— (one batch held most)"
                                : String.format(Locale.ROOT, "%,.0f", r.reportsPerSecond()),
                        r.projectSeconds(), r.fleetP50Millis(), r.fleetP99Millis(), r.memory().rssMb(), r.memory().peakMb(),
                        r.load()));
            }
            md.append('\n');
        }
        md.append(goals());
        return md.toString();
    }

    /** Both sides' server CPU a step on one connection, and the agent's against the floor's. */
    private String serverWorkTable() {
        String head = String.format(Locale.ROOT, "**Server work a step**: %,d schema tenants × %d revisions a side on"
                + " one connection, no Kafka; PostgreSQL's CPU a step, user + system, the mean of two runs a side.%n%n"
                + "| floor (plain JDBC) | agent (reconciler and fingerprints) | agent ÷ floor: user, user + system |%n"
                + "|---:|---:|---:|%n", serverWork.tenants(), settings.revisions());
        if (serverWork.floor().isEmpty() || serverWork.agent().isEmpty()) {
            return head + "| — | — | — (the server is not on this machine) |\n\n";
        }
        ServerCpu.PerStep floor = serverWork.floor().get();
        ServerCpu.PerStep agent = serverWork.agent().get();
        return head + String.format(Locale.ROOT, "| %s | %s | %.2f×, %.2f× |%n%n", floor, agent,
                agent.userMillis() / floor.userMillis(), agent.totalMillis() / floor.totalMillis());
    }

    /** The server's CPU a step on both sides, or a dash where the server is not on this machine. */
    private static String serverCpu(ConvergenceBench.Result r) {
        return r.floorCpu().isPresent() && r.agentCpu().isPresent()
                ? r.floorCpu().get() + " → " + r.agentCpu().get() : "—";
    }

    /**
     * The Flyway loop the goal is stated against: one thread, as a shell loop over tenants
     * runs it; NaN when {@code bench.flyway-threads} is empty.
     */
    private static double flywayLoop(ConvergenceBench.Result r) {
        Map<Integer, Double> f = r.flywaySeconds();
        return f.containsKey(1) ? f.get(1) : f.values().stream().findFirst().orElse(Double.NaN);
    }

    private String goals() {
        if (convergence.isEmpty() && latency == null && projection.isEmpty()) {
            return ""; // the server-work section alone has no goal of its own
        }
        StringBuilder md = new StringBuilder("| goal | measured | met |\n|---|---:|---|\n");
        if (!convergence.isEmpty()) {
            ConvergenceBench.Result r = convergence.get(convergence.size() - 1);
            md.append(row(String.format(Locale.ROOT, "%,d tenants: ≤ 1.3× the plain-JDBC floor", r.tenants()),
                    String.format(Locale.ROOT, "%.2f×", r.ratio()), r.ratio() <= 1.3));
            double speedup = flywayLoop(r) / r.agentSeconds();
            if (!Double.isNaN(speedup)) {
                md.append(row(String.format(Locale.ROOT, "%,d tenants: ≥ 5× faster than a Flyway loop", r.tenants()),
                        String.format(Locale.ROOT, "%.1f×", speedup), speedup >= 5));
            }
            md.append(row(String.format(Locale.ROOT, "agent RSS at %,d tenants ≤ 256 MB", r.tenants()),
                    String.format(Locale.ROOT, "%.0f MB (peak %.0f MB)", r.agentMemory().rssMb(), r.agentMemory().peakMb()),
                    r.agentMemory().peakMb() <= 256));
        }
        if (latency != null) {
            md.append(row("publish → first step p50 ≤ 200 ms", String.format(Locale.ROOT, "%.0f ms", latency.percentile(50)),
                    latency.percentile(50) <= 200));
        }
        if (!projection.isEmpty()) {
            ProjectionBench.Result r = projection.get(projection.size() - 1);
            md.append(row("projection ≥ 20,000 reports/s on 2 cores", String.format(Locale.ROOT, "%,.0f/s", r.reportsPerSecond()),
                    r.reportsPerSecond() >= 20_000));
            md.append(row(String.format(Locale.ROOT, "GET /api/fleet at %,d tenants ≤ 50 ms", r.tenants()),
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", r.fleetP50Millis(), r.fleetP99Millis()),
                    r.fleetP50Millis() <= 50));
            md.append(row(String.format(Locale.ROOT, "coordinator RSS at %,d tenants ≤ 512 MB", r.tenants()),
                    String.format(Locale.ROOT, "%.0f MB (peak %.0f MB)", r.memory().rssMb(), r.memory().peakMb()),
                    r.memory().peakMb() <= 512));
        }
        return md.toString();
    }

    private static String row(String goal, String measured, boolean met) {
        return "| " + goal + " | " + measured + " | " + (met ? "yes" : "**no**") + " |\n";
    }

    /** Time and memory against fleet size. */
    List<String> charts() {
        List<String> charts = new ArrayList<>();
        if (!convergence.isEmpty()) {
            List<SvgPlot.Series> time = new ArrayList<>();
            time.add(new SvgPlot.Series("Schemafleet through Kafka", "#1f77b4",
                    convergence.stream().map(r -> new double[] {r.tenants(), r.agentSeconds()}).toList()));
            time.add(new SvgPlot.Series("floor (plain JDBC)", "#2ca02c",
                    convergence.stream().map(r -> new double[] {r.tenants(), r.floorSeconds()}).toList()));
            String[] colors = {"#d62728", "#ff7f0e", "#9467bd"};
            int i = 0;
            for (int threads : settings.flywayThreads()) {
                time.add(new SvgPlot.Series("Flyway loop, " + threads + (threads == 1 ? " thread" : " threads"),
                        colors[i++ % colors.length], convergence.stream()
                        .map(r -> new double[] {r.tenants(), r.flywaySeconds().get(threads)}).toList()));
            }
            charts.add(SvgPlot.chart("Time to converge (" + settings.revisions() + " revisions)", "schema tenants",
                    "seconds", time, List.of()));
        }
        List<SvgPlot.Series> memory = new ArrayList<>();
        if (!convergence.isEmpty()) {
            memory.add(new SvgPlot.Series("agent, peak RSS", "#1f77b4",
                    convergence.stream().map(r -> new double[] {r.tenants(), r.agentMemory().peakMb()}).toList()));
        }
        if (!projection.isEmpty()) {
            memory.add(new SvgPlot.Series("coordinator, peak RSS (simulated tenants)", "#ff7f0e",
                    projection.stream().map(r -> new double[] {r.tenants(), r.memory().peakMb()}).toList()));
        }
        if (!memory.isEmpty()) {
            charts.add(SvgPlot.chart("Resident memory", "tenants", "MB", memory,
                    List.of(new SvgPlot.Goal("agent goal 256 MB", 256), new SvgPlot.Goal("coordinator goal 512 MB", 512))));
        }
        return charts;
    }
}
