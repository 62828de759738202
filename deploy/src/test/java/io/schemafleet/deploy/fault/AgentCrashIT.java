package io.schemafleet.deploy.fault;

import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.deploy.Main;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills an agent process with SIGKILL at random moments of a rollout and checks, after
 * every kill, that no tenant is half-migrated: each one's version row names a version
 * whose schema fingerprint is exactly the tenant's, and no step was applied twice. Then a
 * restarted agent converges every tenant.
 *
 * <p>Seeded. The default suite kills {@value #DEFAULT_KILLS} times over 200 tenants × 20
 * revisions; {@code -Dschemafleet.fault.kills=50} runs the full exercise.
 */
class AgentCrashIT {
    private static final int DEFAULT_KILLS = 3;
    private static final int TENANTS = 200;
    private static final int REVISIONS = 20;
    private static final long SEED = Long.getLong("schemafleet.fault.seed", 20261121L);

    private final List<Process> processes = new ArrayList<>();
    /** Signs the events as the coordinator would; the agent processes trust its public half only. */
    private final SigningKey key = SigningKey.generate("crash-test");
    private Path trustedKey;
    private TestDatabase db;

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        if (db != null) {
            db.close();
        }
        if (trustedKey != null) {
            Files.deleteIfExists(trustedKey);
        }
    }

    @Test
    void killedAgentsNeverLeaveAHalfAppliedStepAndARestartConverges() throws Exception {
        int kills = Integer.getInteger("schemafleet.fault.kills", DEFAULT_KILLS);
        Random random = new Random(SEED);
        TestKafka kafka = TestKafka.broker();
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("crash"));
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).ensure(topics);
        }
        db = TestDatabase.create("crash");
        StringBuilder ddl = new StringBuilder("CREATE SCHEMA ref_fi;");
        for (int i = 0; i < TENANTS; i++) {
            ddl.append(String.format("CREATE SCHEMA fi_%03d;", i));
        }
        db.execute(ddl.toString());
        trustedKey = Files.createTempFile("schemafleet-crash", ".pub.pem");
        Files.writeString(trustedKey, key.trustedKey().pem());
        List<Revision> chain = BenchRevisions.generate(REVISIONS);
        Map<String, String> expected = referenceFingerprints(chain);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "enable.idempotence", true), new StringSerializer(),
                new ByteArraySerializer())) {
            for (Revision r : chain) {
                send(producer, topics, RevisionPublished.of(r));
            }
            send(producer, topics, RolloutStarted.toWholeFleet("crash-1", "head"));
        }

        long totalSteps = (long) TENANTS * REVISIONS;
        for (int kill = 0; kill < kills; kill++) {
            long before = appliedSteps();
            // Kill somewhere in the next stretch of the rollout: after a random number of further steps.
            long target = Math.min(totalSteps - 1, before + 1 + random.nextInt((int) (totalSteps / (kills + 1))));
            Process agent = startAgent(kafka, topics, "crash-agent");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> appliedSteps() >= target || !agent.isAlive());
            assertThat(agent.isAlive()).as("the agent process is still running (see its log)").isTrue();
            agent.destroyForcibly().waitFor();
            assertNoTenantHalfMigrated(expected);
        }

        assertThat(appliedSteps()).as("the kills interrupted the rollout").isLessThan(totalSteps);
        startAgent(kafka, topics, "crash-agent");
        String head = chain.get(chain.size() - 1).id();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> tenantsAt(head) == TENANTS);
        assertNoTenantHalfMigrated(expected);
        assertThat(appliedSteps()).as("every step applied exactly once over all the kills").isEqualTo(totalSteps);
    }

    /** The fingerprint each version (and base) must have, from a reference schema migrated with plain SQL. */
    private Map<String, String> referenceFingerprints(List<Revision> chain) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            out.put("base", SchemaFingerprint.of(c, "ref_fi").sha256());
            for (Revision r : chain) {
                st.execute("SET search_path TO ref_fi");
                st.execute(r.upgradeSql());
                st.execute("RESET search_path");
                out.put(r.id(), SchemaFingerprint.of(c, "ref_fi").sha256());
            }
        }
        return out;
    }

    private void assertNoTenantHalfMigrated(Map<String, String> expected) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            for (int i = 0; i < TENANTS; i++) {
                String schema = String.format("fi_%03d", i);
                String version = "base";
                boolean hasTables = exists(st, schema + ".schemafleet_version");
                if (hasTables) {
                    List<String> rows = strings(st, "SELECT version_num FROM " + schema + ".schemafleet_version");
                    if (rows.size() > 1) {
                        problems.add(schema + ": " + rows.size() + " version rows on a linear chain: " + rows);
                        continue;
                    }
                    version = rows.isEmpty() ? "base" : rows.get(0);
                    List<String> twice = strings(st, "SELECT revision FROM " + schema + ".schemafleet_history"
                            + " WHERE direction = 'upgrade' AND outcome = 'applied' GROUP BY revision HAVING count(*) > 1");
                    if (!twice.isEmpty()) {
                        problems.add(schema + ": applied twice: " + twice);
                    }
                }
                String actual = SchemaFingerprint.of(c, schema).sha256();
                if (!actual.equals(expected.get(version))) {
                    problems.add(schema + ": at " + version + " but its schema is not that version's");
                }
            }
        }
        assertThat(problems).as("tenants after a SIGKILL").isEmpty();
    }

    private long appliedSteps() throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT coalesce(sum(n), 0) FROM (");
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            List<String> schemas = strings(st, "SELECT table_schema FROM information_schema.tables"
                    + " WHERE table_name = 'schemafleet_history' AND table_schema LIKE 'fi\\_%'");
            if (schemas.isEmpty()) {
                return 0;
            }
            for (int i = 0; i < schemas.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT count(*) AS n FROM ").append(schemas.get(i))
                        .append(".schemafleet_history WHERE outcome = 'applied'");
            }
            return Long.parseLong(strings(st, sql.append(") s").toString()).get(0));
        }
    }

    private long tenantsAt(String head) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM (");
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            List<String> schemas = strings(st, "SELECT table_schema FROM information_schema.tables"
                    + " WHERE table_name = 'schemafleet_version' AND table_schema LIKE 'fi\\_%'");
            if (schemas.isEmpty()) {
                return 0;
            }
            for (int i = 0; i < schemas.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT version_num FROM ").append(schemas.get(i))
                        .append(".schemafleet_version");
            }
            return Long.parseLong(strings(st, sql.append(") v WHERE version_num = '").append(head).append("'")
                    .toString()).get(0));
        }
    }

    private static boolean exists(Statement st, String table) throws SQLException {
        return !strings(st, "SELECT to_regclass('" + table + "')").get(0).isEmpty();
    }

    private static List<String> strings(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String v = rs.getString(1);
                out.add(v == null ? "" : v);
            }
        }
        return out;
    }

    private Process startAgent(TestKafka kafka, Topics topics, String id) throws IOException {
        Path log = Files.createTempFile("schemafleet-crash-agent", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                "--kafka-bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                "--db", db.url(), "--schemas", "fi_%", "--health-port", "0", "--resync", "1s",
                "--parallel", "4", "--agent-id", id, "--trusted-keys", trustedKey.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void send(KafkaProducer<String, byte[]> producer, Topics topics, EventBody body) throws Exception {
        producer.send(new ProducerRecord<>(topics.topicFor(body.type()), Topics.keyFor(body),
                EventCodec.encode(key.sign(Envelopes.of(body, "coordinator"))))).get();
    }
}
