package io.schemafleet.deploy.agent;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.loop.HealthServer;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.deploy.PrometheusText;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.TrustedKeys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The long-running agent against a real broker and a real PostgreSQL. */
class AgentLoopIT {
    private static final String HEAD = "c8626eb4ecaa";
    private static final int TENANTS = 10;
    /** Signs what this test writes as the coordinator; the agents trust its public key. */
    private static final SigningKey COORDINATOR_KEY = SigningKey.generate("test-coordinator");

    private TestKafka kafka;
    private Topics topics;
    private TestDatabase db;
    private Databases pools;
    private KafkaProducer<String, byte[]> producer;
    private final List<AgentLoop> agents = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        kafka = TestKafka.broker();
        topics = Topics.withPrefix(kafka.uniquePrefix("agentloop"));
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).ensure(topics);
            // Produce only once the broker knows each new partition's leader: an idempotent
            // producer that meets NOT_LEADER_OR_FOLLOWER right after creation can end up with
            // its first batches out of sequence (seen once in CI), and then this test's events too.
            List<String> names = List.of(topics.revisions(), topics.rollouts(), topics.reports());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    admin.describeTopics(names).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null)));
        }
        db = TestDatabase.create("agentloop");
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < TENANTS; i++) {
            ddl.append(String.format("CREATE SCHEMA tenant_%02d;", i));
        }
        db.execute(ddl.toString());
        pools = new Databases(DbCredentials.NONE, 4);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.idempotence", true),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(AgentLoop::close);
        producer.close();
        pools.close();
        db.close();
    }

    @Test
    void publishedRevisionsAndARolloutBringEveryTenantToHeadAndReportsSaySo() throws Exception {
        // Poison first: the agent must skip it and go on.
        producer.send(new ProducerRecord<>(topics.revisions(), "junk", "not an event".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(topics.rollouts(), "junk", "{\"schema\":99,\"type\":\"rollout_started\"}"
                .getBytes(StandardCharsets.UTF_8)));
        for (Revision revision : examples()) {
            publish(topics.revisions(), RevisionPublished.of(revision));
        }
        publish(topics.rollouts(), RolloutStarted.toWholeFleet("r1", "head"));

        AgentLoop agent = startAgent("agent-a");
        try (HealthServer health = new HealthServer(0, agent::health, agent.metrics()::scrape)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI base = java.net.URI.create("http://127.0.0.1:" + health.port());
            java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(base.resolve("/health")).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(get,
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            assertThat(http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .contains("\"status\":\"UP\"", "\"agent\":\"agent-a\"", "\"destination\":\"head\"");

            await().atMost(Duration.ofSeconds(60)).until(() -> allTenantsAt(List.of(HEAD)));
            await().atMost(Duration.ofSeconds(30)).until(() -> latestReports().values().stream()
                    .filter(r -> r.state() == TenantState.CONVERGED && r.heads().equals(List.of(HEAD))).count() == TENANTS);

            // GET /metrics says the same as the tenants' own tables.
            java.net.http.HttpResponse<String> scrape = http.send(java.net.http.HttpRequest.newBuilder(
                    base.resolve("/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain; version=0.0.4"));
            PrometheusText metrics = PrometheusText.parse(scrape.body());
            assertThat(metrics.value("schemafleet_agent_tenants", "state", "converged", "agent", "agent-a"))
                    .isEqualTo(TENANTS);
            assertThat(metrics.value("schemafleet_agent_tenants", "state", "failed")).isZero();
            assertThat(metrics.value("schemafleet_agent_poison_records_total")).isEqualTo(2);
            assertThat(metrics.value("schemafleet_agent_consumer_lag_records")).isZero();
            assertThat(metrics.value("schemafleet_agent_reports_undelivered")).isZero();
            assertThat(metrics.value("schemafleet_agent_reports_resent_total")).isZero();
            assertThat(metrics.value("schemafleet_agent_reconcile_passes_total")).isGreaterThanOrEqualTo(1);
            int steps = historyCounts().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(metrics.sum("schemafleet_agent_step_duration_seconds_count", "direction", "upgrade"))
                    .isEqualTo(steps);
            assertThat(metrics.find("schemafleet_agent_step_duration_seconds_count").stream()
                    .map(sample -> sample.labels().get("revision")).distinct()).hasSize(examples().size());
            assertThat(metrics.value("schemafleet_agent_step_duration_seconds_bucket", "revision", HEAD,
                    "le", "+Inf")).isEqualTo(TENANTS);
        }
        assertThat(agent.poisonRecords()).isEqualTo(2);
        assertThat(agent.refusedEvents()).as("everything was signed by the trusted key").isZero();
        assertThat(bodies(topics.reports())).anyMatch(b -> b instanceof AgentHeartbeat h && h.agent().equals("agent-a"));

        // A new revision and a new rollout: converge again.
        Revision next = new Revision("d00dfeed0001", List.of(HEAD), List.of(), List.of(), "add a column", true,
                "ALTER TABLE audit_log ADD COLUMN source text;", "ALTER TABLE audit_log DROP COLUMN source;");
        publish(topics.revisions(), RevisionPublished.of(next));
        Envelope r2 = publish(topics.rollouts(), RolloutStarted.toWholeFleet("r2", "head"));
        await().atMost(Duration.ofSeconds(60)).until(() -> allTenantsAt(List.of("d00dfeed0001")));

        // Old events again (re-sent, duplicated, out of order): nothing moves back, nothing runs twice.
        Map<String, Integer> historyBefore = historyCounts();
        for (Revision revision : examples()) {
            publish(topics.revisions(), RevisionPublished.of(revision));
        }
        publish(topics.rollouts(), Envelopes.of(RolloutStarted.toWholeFleet("r1", "head"), "coordinator", "old-r1",
                r2.at().minusSeconds(60)));
        publish(topics.rollouts(), new TenantRetryRequested("marker", "test", Instant.now()));
        // The marker comes after the old events: once the agent has it, it has read them too.
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.desired().orElseThrow().retries().containsKey("marker"));
        assertThat(agent.desired().orElseThrow().rolloutId()).isEqualTo("r2");
        assertThat(allTenantsAt(List.of("d00dfeed0001"))).isTrue();
        assertThat(historyCounts()).isEqualTo(historyBefore);
    }

    @Test
    void aRestartedAgentReadsTheLogAgainAndRunsNothingTwice() throws Exception {
        for (Revision revision : examples()) {
            publish(topics.revisions(), RevisionPublished.of(revision));
        }
        publish(topics.rollouts(), RolloutStarted.toWholeFleet("r1", "head"));
        AgentLoop first = startAgent("agent-a");
        await().atMost(Duration.ofSeconds(60)).until(() -> allTenantsAt(List.of(HEAD)));
        Map<String, Integer> history = historyCounts();
        first.close();
        agents.remove(first);
        long reportsBefore = tenantReports();

        startAgent("agent-a");

        // The new agent reports every tenant once after its first pass: that pass ran nothing.
        await().atMost(Duration.ofSeconds(60)).until(() -> tenantReports() >= reportsBefore + TENANTS);
        assertThat(historyCounts()).isEqualTo(history);
        assertThat(allTenantsAt(List.of(HEAD))).isTrue();
    }

    @Test
    void anAgentStartedBeforeTheTopicsExistWaitsForThem() throws Exception {
        topics = Topics.withPrefix(kafka.uniquePrefix("late"));
        AgentLoop agent = startAgent("agent-early");
        assertThat(agent.health().up()).isFalse();

        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).ensure(topics);
        }
        for (Revision revision : examples()) {
            publish(topics.revisions(), RevisionPublished.of(revision));
        }
        publish(topics.rollouts(), RolloutStarted.toWholeFleet("r1", "head"));

        await().atMost(Duration.ofSeconds(60)).until(() -> allTenantsAt(List.of(HEAD)));
        assertThat(agent.health().up()).isTrue();
    }

    @Test
    void theAgentRidesOutABrokerRestart() throws Exception {
        assumeTrue(kafka.embedded().isPresent(), "needs the broker this JVM runs, to restart it");
        for (Revision revision : examples()) {
            publish(topics.revisions(), RevisionPublished.of(revision));
        }
        publish(topics.rollouts(), RolloutStarted.toWholeFleet("r1", "head"));
        startAgent("agent-a");
        await().atMost(Duration.ofSeconds(60)).until(() -> allTenantsAt(List.of(HEAD)));

        kafka.embedded().orElseThrow().restart();

        Revision next = new Revision("beefcafe0002", List.of(HEAD), List.of(), List.of(), "after the restart", true,
                "CREATE TABLE after_restart (id int);", "DROP TABLE after_restart;");
        publish(topics.revisions(), RevisionPublished.of(next));
        publish(topics.rollouts(), RolloutStarted.toWholeFleet("r2", "head"));
        await().atMost(Duration.ofSeconds(90)).until(() -> allTenantsAt(List.of("beefcafe0002")));
        await().atMost(Duration.ofSeconds(30)).until(() -> latestReports().values().stream()
                .filter(r -> r.state() == TenantState.CONVERGED && r.heads().equals(List.of("beefcafe0002")))
                .count() == TENANTS);
    }

    private long tenantReports() {
        return bodies(topics.reports()).stream().filter(b -> b instanceof TenantReport).count();
    }

    private AgentLoop startAgent(String id) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        AgentSettings settings = new AgentSettings(topics, props, Duration.ofSeconds(1), Duration.ofSeconds(1), 4, 4,
                ApplyOptions.defaults(id).withRetries(3, Duration.ofMillis(20), Duration.ofMillis(100)),
                new TrustPolicy(TrustedKeys.of(List.of(COORDINATOR_KEY.trustedKey())), false));
        AgentLoop agent = new AgentLoop(settings, new SchemaPatternDiscovery(pools, db.url(), "tenant_%"), pools,
                (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
        agents.add(agent);
        agent.start();
        return agent;
    }

    private Envelope publish(String topic, EventBody body) throws Exception {
        return publish(topic, Envelopes.of(body, "coordinator"));
    }

    /** Writes {@code unsigned} as the coordinator would: signed. */
    private Envelope publish(String topic, Envelope unsigned) throws Exception {
        Envelope envelope = COORDINATOR_KEY.sign(unsigned);
        String key = Topics.keyFor(EventCodec.decode(EventCodec.encode(envelope)) instanceof Decoded.Event e
                ? e.body() : null);
        producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(envelope))).get();
        return envelope;
    }

    private boolean allTenantsAt(List<String> heads) throws Exception {
        for (int i = 0; i < TENANTS; i++) {
            if (!query(String.format("SELECT version_num FROM tenant_%02d.schemafleet_version ORDER BY 1", i))
                    .equals(heads)) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Integer> historyCounts() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < TENANTS; i++) {
            String schema = String.format("tenant_%02d", i);
            out.put(schema, Integer.parseInt(query("SELECT count(*) FROM " + schema + ".schemafleet_history").get(0)));
        }
        return out;
    }

    private Map<String, TenantReport> latestReports() {
        Map<String, TenantReport> out = new HashMap<>();
        for (EventBody body : bodies(topics.reports())) {
            if (body instanceof TenantReport r) {
                out.put(r.tenant(), r);
            }
        }
        return out;
    }

    private List<EventBody> bodies(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "isolation.level", "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<EventBody> out = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (EventCodec.decode(record.value()) instanceof Decoded.Event e) {
                        out.add(e.body());
                    }
                }
            }
            return out;
        }
    }

    private List<String> query(String sql) {
        try {
            return db.query(sql);
        } catch (java.sql.SQLException notYet) {
            return List.of();
        }
    }

    private static List<Revision> examples() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/examples/versions"))) {
            dir = dir.getParent();
        }
        assertThat(dir).isNotNull();
        return RevisionDirectory.loadValid(dir.resolve("deploy/examples/versions")).revisions();
    }
}
