package io.schemafleet.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Publish → first step started. A coordinator and an agent process keep a small fleet at
 * {@code head}; one small revision at a time is published ({@code POST /api/revisions}),
 * and the time from sending the request to the earliest {@code started_at} of that
 * revision in any tenant's history (written by the agent from its clock, the same
 * machine's) is one sample. The next publish waits until the fleet is at the new head.
 */
final class PublishLatencyBench {
    private final BenchEnv env;

    PublishLatencyBench(BenchEnv env) {
        this.env = env;
    }

    /** Latencies in milliseconds, sorted. */
    record Result(int tenants, double[] millis, Load load) {
        double percentile(double p) {
            // Nearest rank: with 30 samples p99 is the slowest one.
            int rank = (int) Math.ceil(p / 100.0 * millis.length);
            return millis[Math.max(0, Math.min(millis.length, rank) - 1)];
        }
    }

    Result run() throws Exception {
        int tenants = env.settings.latencyTenants();
        String url = env.createDatabase("bench_latency");
        List<String> schemas = BenchEnv.createSchemas(url, "lt_", tenants);
        Topics topics = env.topics("latency");
        Load before = Load.now();
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(env, topics, env.createDatabase("bench_coord"));
             Connection db = DriverManager.getConnection(url)) {
            coordinator.publish(env.chain);
            try (ChildJvm agent = env.startAgent(topics, url, "lt\\_%", "bench-latency-agent")) {
                coordinator.rollout("head");
                awaitConverged(coordinator, agent, tenants, env.head());
                String parent = env.head();
                double[] samples = new double[env.settings.publishes()];
                for (int i = 0; i < samples.length; i++) {
                    String id = String.format(Locale.ROOT, "latency%04d", i);
                    Revision r = new Revision(id, List.of(parent), List.of(), List.of(), "latency probe " + i, true,
                            "CREATE TABLE probe_" + i + " (id int);", "DROP TABLE probe_" + i + ";");
                    long sent = System.currentTimeMillis();
                    coordinator.publish(List.of(r));
                    long firstStep = firstStarted(db, schemas, id, agent);
                    samples[i] = firstStep - sent;
                    awaitConverged(coordinator, agent, tenants, id);
                    parent = id;
                }
                Arrays.sort(samples);
                Load after = Load.now();
                return new Result(tenants, samples, new Load(before.one() + "→" + after.one(), after.five(), after.fifteen()));
            }
        }
    }

    /** Polls the tenants' history for the earliest start of {@code revision}; its time in epoch milliseconds. */
    private static long firstStarted(Connection db, List<String> schemas, String revision, ChildJvm agent) throws Exception {
        StringBuilder sql = new StringBuilder("SELECT min(started_at) FROM (");
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT started_at FROM ").append(schemas.get(i))
                    .append(".schemafleet_history WHERE revision = '").append(revision).append("'");
        }
        sql.append(") h");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Statement st = db.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery(sql.toString())) {
                    rs.next();
                    Timestamp t = rs.getTimestamp(1);
                    if (t != null) {
                        return t.getTime();
                    }
                }
                agent.requireAlive();
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("no tenant started " + revision + " within 60 s:\n" + agent.tail());
    }

    private static void awaitConverged(CoordinatorProcess coordinator, ChildJvm agent, int tenants, String head)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode fleet = coordinator.fleet();
            if (fleet.path("converged").asLong() == tenants
                    && fleet.path("destination_heads").toString().equals("[\"" + head + "\"]")) {
                return;
            }
            agent.requireAlive();
            Thread.sleep(20);
        }
        throw new IllegalStateException("the fleet did not reach " + head + ": " + coordinator.fleet());
    }
}
