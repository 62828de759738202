package io.schemafleet.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.cli.PlainJdbcFloor;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import org.flywaydb.core.Flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N schema tenants through the revision chain three ways, each in a database of its own
 * (so that none works against a catalog the others grew), one after the other, each
 * timed from a checkpoint ({@link BenchEnv#checkpoint}):
 * <ol>
 *   <li>the floor: plain JDBC, the same SQL, {@code parallel} tenants at once
 *       ({@link PlainJdbcFloor}), in this JVM;</li>
 *   <li>Schemafleet end to end: a coordinator process publishes the chain and starts a
 *       rollout to head ({@code POST /api/rollouts}); an agent process ({@code --parallel}
 *       the same) follows the log, migrates and reports. Timed from the rollout request
 *       until {@code GET /api/fleet} counts every tenant converged, so it includes Kafka
 *       both ways and the projection;</li>
 *   <li>a Flyway-per-tenant loop: {@code Flyway.migrate()} per schema with the chain as
 *       versioned migrations {@code V1__…sql}, on 1 and on {@code parallel} threads.</li>
 * </ol>
 */
final class ConvergenceBench {
    private final BenchEnv env;

    ConvergenceBench(BenchEnv env) {
        this.env = env;
    }

    /** One fleet size's figures. */
    record Result(int tenants, double floorBefore, double floorAfter, double agentSeconds,
                  Map<Integer, Double> flywaySeconds, ChildJvm.Memory agentMemory, Load load,
                  Optional<ServerCpu.PerStep> floorCpu, Optional<ServerCpu.PerStep> agentCpu) {
        /** The mean of the floors run just before and just after the end-to-end run. */
        double floorSeconds() {
            return (floorBefore + floorAfter) / 2;
        }

        double ratio() {
            return agentSeconds / floorSeconds();
        }
    }

    /**
     * A little of each side first, so that the first measured size does not pay for a cold JVM
     * or server: the benchmark JVM's floor and Flyway code, and a rollout end to end, whose
     * broker (in this JVM) would otherwise spend a core's seconds compiling inside the clock.
     */
    void warmUp() throws Exception {
        String url = env.createDatabase("bench_warm");
        floor(url, 10);
        flyway(url, 10, 1);
        System.out.printf(Locale.ROOT, "  warm-up: 20 tenants end to end %.2f s, not counted%n",
                agent(env.createDatabase("bench_warm_agent"), 20).seconds);
    }

    Result run(int tenants) throws Exception {
        Load before = Load.now();
        // The floor on either side of the end-to-end run, each in a database of its own: the
        // server's speed drifts within a run (on this machine the same floor took 17 to 39 s
        // from run to run), and a drift falls on both sides of the ratio alike.
        Floor floorBefore = floor(env.createDatabase("bench_floor"), tenants);
        System.out.printf(Locale.ROOT, "  %d tenants: floor %.2f s, server CPU a step %s%n", tenants,
                floorBefore.seconds, ServerCpu.PerStep.text(floorBefore.cpu));
        Agent agent = agent(env.createDatabase("bench_agent"), tenants);
        System.out.printf(Locale.ROOT, "  %d tenants: agent %.2f s, RSS %.0f MB, peak %.0f MB, server CPU a step %s%n",
                tenants, agent.seconds, agent.memory.rssMb(), agent.memory.peakMb(),
                ServerCpu.PerStep.text(agent.cpu));
        Floor floorAfter = floor(env.createDatabase("bench_floor"), tenants);
        System.out.printf(Locale.ROOT, "  %d tenants: floor again %.2f s, server CPU a step %s%n", tenants,
                floorAfter.seconds, ServerCpu.PerStep.text(floorAfter.cpu));
        Map<Integer, Double> flyway = new LinkedHashMap<>();
        for (int threads : env.settings.flywayThreads()) {
            double s = flyway(env.createDatabase("bench_flyway"), tenants, threads);
            flyway.put(threads, s);
            System.out.printf(Locale.ROOT, "  %d tenants: Flyway on %d thread(s) %.2f s%n", tenants, threads, s);
        }
        Load after = Load.now();
        Result result = new Result(tenants, floorBefore.seconds, floorAfter.seconds, agent.seconds, flyway, agent.memory,
                new Load(before.one() + "→" + after.one(), after.five(), after.fifteen()),
                ServerCpu.PerStep.mean(floorBefore.cpu, floorAfter.cpu), agent.cpu);
        System.out.printf(Locale.ROOT, "  %d tenants: agent against the floors' mean %.2fx%n", tenants, result.ratio());
        return result;
    }

    /** A floor's time, and its server CPU a step where the server runs on this machine. */
    private record Floor(double seconds, Optional<ServerCpu.PerStep> cpu) {
    }

    private Floor floor(String url, int tenants) throws Exception {
        List<Tenant> schemas = BenchEnv.createSchemaTenants(url, "fl_", tenants);
        try (Databases pools = new Databases(env.credentials(), env.settings.parallel())) {
            env.checkpoint();
            ServerCpu.Snapshot cpu = env.serverCpu(url);
            long start = System.nanoTime();
            PlainJdbcFloor.run(pools, schemas, env.chain, env.settings.parallel());
            double seconds = seconds(start);
            return new Floor(seconds, ServerCpu.perStep(cpu, env.serverCpu(url), env.steps(tenants)));
        }
    }

    private record Agent(double seconds, ChildJvm.Memory memory, Optional<ServerCpu.PerStep> cpu) {
    }

    private Agent agent(String url, int tenants) throws Exception {
        List<String> schemas = BenchEnv.createSchemas(url, "bt_", tenants);
        Topics topics = env.topics("converge" + tenants);
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(env, topics, env.createDatabase("bench_coord"))) {
            coordinator.publish(env.chain);
            try (ChildJvm agent = env.startAgent(topics, url, "bt\\_%", "bench-agent")) {
                awaitKnown(coordinator, agent, tenants);
                // Both processes started moments ago: let their startup compilation finish first.
                coordinator.jvm.awaitQuiet(Duration.ofSeconds(30));
                agent.awaitQuiet(Duration.ofSeconds(30));
                env.checkpoint();
                ServerCpu.Snapshot cpu = env.serverCpu(url);
                long start = System.nanoTime();
                java.time.Instant requested = java.time.Instant.now();
                coordinator.rollout("head");
                long deadline = start + Duration.ofSeconds(60 + tenants).toNanos();
                while (true) {
                    JsonNode fleet = coordinator.fleet();
                    if (fleet.path("converged").asLong() == tenants) {
                        break;
                    }
                    agent.requireAlive();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not converged in time: " + fleet + "\n" + agent.tail());
                    }
                    Thread.sleep(100);
                }
                double seconds = seconds(start);
                Optional<ServerCpu.PerStep> serverCpu = ServerCpu.perStep(cpu, env.serverCpu(url), env.steps(tenants));
                ChildJvm.Memory memory = agent.memory();
                requireAllAt(url, schemas, env.head());
                printStepSpan(url, schemas, requested, seconds);
                return new Agent(seconds, memory, serverCpu);
            }
        }
    }

    /**
     * Waits until the coordinator knows every tenant (the agent has looked at each once), so
     * that the clock measures a rollout over a known fleet, not the agent's first look at it.
     */
    private static void awaitKnown(CoordinatorProcess coordinator, ChildJvm agent, int tenants) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + tenants / 10).toNanos();
        while (coordinator.fleet().path("tenants").asLong() < tenants) {
            agent.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the coordinator never saw all " + tenants + " tenants: "
                        + coordinator.fleet() + "\n" + agent.tail());
            }
            Thread.sleep(100);
        }
    }

    /** What the coordinator says, checked where it matters: every tenant's own version table. */
    private static void requireAllAt(String url, List<String> schemas, String head) throws Exception {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM (");
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT version_num FROM ").append(schemas.get(i))
                    .append(".schemafleet_version");
        }
        sql.append(") v WHERE version_num = '").append(head).append("'");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql.toString())) {
            rs.next();
            if (rs.getLong(1) != schemas.size()) {
                throw new IllegalStateException("only " + rs.getLong(1) + " of " + schemas.size() + " tenants are at " + head);
            }
        }
    }

    /**
     * Where the end-to-end time went: from the rollout request to the first step started, to
     * the last step finished (the tenants' own history, the agent's clock on this machine),
     * and to the coordinator counting the fleet converged.
     */
    private static void printStepSpan(String url, List<String> schemas, java.time.Instant requested, double seconds)
            throws Exception {
        StringBuilder sql = new StringBuilder("SELECT min(started_at), max(finished_at) FROM (");
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT started_at, finished_at FROM ")
                    .append(schemas.get(i)).append(".schemafleet_history");
        }
        sql.append(") h");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql.toString())) {
            rs.next();
            double first = Duration.between(requested, rs.getTimestamp(1).toInstant()).toMillis() / 1000.0;
            double last = Duration.between(requested, rs.getTimestamp(2).toInstant()).toMillis() / 1000.0;
            System.out.printf(Locale.ROOT, "    after the rollout request: first step started %.2f s, last step"
                    + " finished %.2f s, the coordinator counted all converged %.2f s%n", first, last, seconds);
        }
    }

    private double flyway(String url, int tenants, int threads) throws Exception {
        List<String> schemas = BenchEnv.createSchemas(url, "fw_", tenants);
        Path dir = Files.createTempDirectory("schemafleet-bench-flyway");
        try {
            int v = 1;
            for (Revision r : env.chain) {
                Files.writeString(dir.resolve("V" + v++ + "__" + r.id() + ".sql"), r.upgradeSql());
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                env.checkpoint();
                long start = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (String schema : schemas) {
                    futures.add(pool.submit(() -> Flyway.configure().dataSource(url, null, null).schemas(schema)
                            .locations("filesystem:" + dir).load().migrate()));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                return seconds(start);
            } finally {
                pool.shutdownNow();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
