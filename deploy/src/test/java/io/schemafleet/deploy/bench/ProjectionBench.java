package io.schemafleet.deploy.bench;

import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The coordinator's projection under simulated agents: {@code TenantReport}s for N tenants
 * are written straight to a fresh reports topic first ({@code reportsPerTenant} per tenant,
 * as agents report every step, and at least {@code minReports}), then a coordinator process
 * starts on them. Throughput is what its
 * committed offsets ({@code consumed_offsets}, written in the same transaction as the rows)
 * say: records from its first committed batch to its last, over that time. Then the chain
 * is published and a rollout to head started, and {@code GET /api/fleet} is timed over a
 * fleet where every one of the N tenants is converged. Resident memory is the
 * coordinator process's.
 */
final class ProjectionBench {
    private static final int FLEET_REQUESTS = 200;
    private static final String FINGERPRINT = "0".repeat(64);

    private final BenchEnv env;

    ProjectionBench(BenchEnv env) {
        this.env = env;
    }

    /** One fleet size's figures; {@code reportsPerSecond} is NaN when the first committed batch held most reports. */
    record Result(int tenants, long reports, double reportsPerSecond, double projectSeconds, double fleetP50Millis,
                  double fleetP99Millis, ChildJvm.Memory memory, Load load) {
    }

    Result run(int tenants) throws Exception {
        Topics topics = env.topics("projection" + tenants);
        long reports = produce(topics, tenants,
                Math.max((long) tenants * env.settings.reportsPerTenant(), env.settings.minReports()));
        String dbUrl = env.createDatabase("bench_proj");
        Load before = Load.now();
        long started = System.nanoTime();
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(env, topics, dbUrl);
             Connection db = DriverManager.getConnection(dbUrl)) {
            long firstAt = 0;
            long firstCount = 0;
            long count = 0;
            long lastTrace = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120 + reports / 200).toNanos();
            while (count < reports) {
                count = committed(db, topics.reports());
                long now = System.nanoTime();
                if (Boolean.getBoolean("bench.trace") && (now / 1_000_000_000L) != (lastTrace / 1_000_000_000L)) {
                    System.out.printf(Locale.ROOT, "    %.1f s: %d committed%n", (now - started) / 1e9, count);
                    lastTrace = now;
                }
                if (firstAt == 0 && count > 0) {
                    firstAt = now;
                    firstCount = count;
                }
                if (now > deadline) {
                    throw new IllegalStateException("the projection committed only " + count + " of " + reports
                            + " reports in time:\n" + coordinator.jvm.tail());
                }
                coordinator.jvm.requireAlive();
                Thread.sleep(10);
            }
            long lastAt = System.nanoTime();
            // The first commit is the clock's start, so what it held is not counted: when it held
            // most of the run, the rest is a batch or two and their rate says nothing.
            double rate = firstCount * 2 > reports ? Double.NaN : (reports - firstCount) / ((lastAt - firstAt) / 1e9);
            double projectSeconds = (lastAt - started) / 1e9;

            coordinator.publish(env.chain);
            coordinator.rollout("head");
            long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (coordinator.fleet().path("converged").asLong() != tenants) {
                if (System.nanoTime() > waitUntil) {
                    throw new IllegalStateException("GET /api/fleet never counted " + tenants + " converged: "
                            + coordinator.fleet());
                }
                Thread.sleep(50);
            }
            double[] millis = new double[FLEET_REQUESTS];
            for (int i = 0; i < FLEET_REQUESTS / 10; i++) {
                coordinator.fleet(); // warm-up
            }
            for (int i = 0; i < millis.length; i++) {
                long t = System.nanoTime();
                coordinator.fleet();
                millis[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(millis);
            ChildJvm.Memory memory = coordinator.jvm.memory();
            Load after = Load.now();
            return new Result(tenants, reports, rate, projectSeconds, millis[millis.length / 2],
                    millis[(int) Math.ceil(0.99 * millis.length) - 1], memory,
                    new Load(before.one() + "→" + after.one(), after.five(), after.fifteen()));
        }
    }

    /**
     * Reports as agents send them: one per tenant and step, keyed by tenant; the last one says
     * converged at head. Returns how many records the topic holds.
     */
    private long produce(Topics topics, int tenants, long reports) {
        Instant at = Instant.now();
        List<String> heads = List.of(env.head());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                // Not idempotent: under load the embedded broker answered the idempotent producer's
                // retries with OUT_OF_ORDER_SEQUENCE_NUMBER forever. A duplicate is harmless here (the
                // projection is idempotent per offset, and the offsets are counted, not the sends).
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < reports; i++) {
                String tenant = String.format(Locale.ROOT, "sim_%06d", i % tenants);
                boolean last = i >= reports - tenants;
                TenantReport report = new TenantReport(tenant, "sim-agent-" + (i % tenants % 10), heads,
                        last ? TenantState.CONVERGED : TenantState.APPLYING, "head", null, List.of(), null,
                        FINGERPRINT, 1, at);
                producer.send(new ProducerRecord<>(topics.reports(), Topics.keyFor(report),
                        EventCodec.encode(Envelopes.of(report, "sim-agent"))));
            }
            producer.flush();
        }
        try (Admin admin = env.kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topics.reportPartitions(); p++) {
                latest.put(new TopicPartition(topics.reports(), p), OffsetSpec.latest());
            }
            long total = 0;
            for (var info : admin.listOffsets(latest).all().get().values()) {
                total += info.offset();
            }
            return total;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the reports topic's end offsets", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long committed(Connection db, String topic) throws SQLException {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM consumed_offsets WHERE topic = '"
                     + topic + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // Flyway has not created the table yet
            }
            throw e;
        }
    }
}
