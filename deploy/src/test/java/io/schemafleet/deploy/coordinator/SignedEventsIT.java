package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.deploy.kafka.TestKafka;
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
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trust end to end, over a real broker, a real PostgreSQL, a coordinator and an agent:
 * whoever can write to the topics but does not hold the coordinator's key cannot make
 * the agent run anything. Forged, unknown-key, unsigned and tampered events are refused
 * by the agent (nothing applied: its tenants' version and history tables prove it) and
 * by the coordinator's projection (never shown by the API); the agent counts them and
 * the coordinator shows the count in GET /api/agents; a genuine rollout after them still
 * converges. And a revision id that arrives with a second content is refused by the
 * agent as a whole, and reported. A genuine signature moved onto another event is refused;
 * genuine old events replayed byte for byte move nothing back. Records that are not
 * events at all (truncated, not JSON, wrong types, unknown versions and types) are skipped
 * and counted on every topic, and so are valid events PostgreSQL cannot store; the next
 * good events apply.
 */
class SignedEventsIT {
    private static final int TENANTS = 3;
    private static final String FIRST = "801b86be184b";
    private static final String HEAD = "c8626eb4ecaa";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private CoordinatorFixture coordinator;
    private TestDatabase db;
    private Databases pools;
    private AgentLoop agent;

    @BeforeEach
    void setUp() throws Exception {
        coordinator = new CoordinatorFixture("signed");
        coordinator.start();
        db = TestDatabase.create("signed");
        for (int i = 0; i < TENANTS; i++) {
            db.execute("CREATE SCHEMA sg_" + i);
        }
        pools = new Databases(DbCredentials.NONE, 2);
        agent = new AgentLoop(new AgentSettings(coordinator.topics,
                Map.of("bootstrap.servers", TestKafka.broker().bootstrapServers()), Duration.ofSeconds(1),
                Duration.ofMillis(500), 2, 2, ApplyOptions.defaults("agent-s"), coordinator.agentTrust()),
                new SchemaPatternDiscovery(pools, db.url(), "sg_%"), pools,
                (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
        agent.start();
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        rollout(FIRST);
        await().atMost(DEADLINE).until(() -> allTenantsAt(FIRST));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (pools != null) {
            pools.close();
        }
        if (db != null) {
            db.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void forgedUnknownUnsignedAndTamperedEventsAreRefusedEverywhereAndAGenuineRolloutStillConverges()
            throws Exception {
        // given: the fleet at FIRST, and what it has run so far
        Map<String, Integer> history = historyCounts();
        long poisonBefore = coordinator.get("/api/fleet").json().get("poison_records").asLong();
        Revision evil = new Revision("e0e0e0e0e0e0", List.of(FIRST), List.of(), List.of(), "evil", true,
                "CREATE TABLE pwned (id int);", "DROP TABLE pwned;");
        SigningKey forger = SigningKey.generate("test-coordinator"); // knows the trusted key id, not the key
        SigningKey stranger = SigningKey.generate("stranger");

        // when: someone with write access to the topics tries, every way
        write(forger.sign(event(RolloutStarted.toWholeFleet("evil-forged", HEAD))));
        write(stranger.sign(event(RolloutStarted.toWholeFleet("evil-unknown", HEAD))));
        write(event(RolloutStarted.toWholeFleet("evil-unsigned", HEAD)));
        write(tampered(coordinator.signingKey.sign(event(RolloutStarted.toWholeFleet("evil-tampered", FIRST))), HEAD));
        write(event(RevisionPublished.of(evil)));
        write(forger.sign(event(RevisionPublished.of(evil))));
        int hostile = 6;

        // then: the agent refused every one, and says so to the coordinator
        await().atMost(DEADLINE).until(() -> agent.refusedEvents() == hostile);
        JsonNode agents = awaitAgentReport(hostile);
        assertThat(agents.get("last_refusal").asText())
                .matches("(bad_signature|unknown_key|unsigned): (rollout_started|revision_published) event \\S+ at "
                        + coordinator.topics.prefix() + "\\.(rollouts|revisions)-0@\\d+: .*")
                .doesNotContain("pwned", "CREATE");
        assertThat(agent.lastRefusal()).hasValue(agents.get("last_refusal").asText());
        // the coordinator's projection refused them too, with their verdicts, and shows none of them
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/fleet").json().get("poison_records").asLong()
                == poisonBefore + hostile);
        assertThat(poisonKinds()).containsExactly("bad_signature", "unknown_key", "unsigned", "bad_signature",
                "unsigned", "bad_signature");
        JsonNode fleet = coordinator.get("/api/fleet").json();
        assertThat(fleet.get("destination").asText()).isEqualTo(FIRST);
        assertThat(coordinator.get("/api/revisions").json().toString()).doesNotContain(evil.id());
        // and nothing ran: every tenant is where it was, with the same history, and no pwned table
        assertThat(allTenantsAt(FIRST)).isTrue();
        assertThat(historyCounts()).isEqualTo(history);
        assertThat(db.query("SELECT count(*) FROM pg_tables WHERE tablename = 'pwned'")).containsExactly("0");
        assertThat(agent.desired().orElseThrow().destination()).isEqualTo(FIRST);

        // when: the coordinator itself rolls out, signed
        rollout(HEAD);

        // then: the fleet converges
        await().atMost(DEADLINE).until(() -> allTenantsAt(HEAD));
        assertThat(agent.refusedEvents()).isEqualTo(hostile);
    }

    @Test
    void aRevisionIdWithASecondContentIsRefusedByTheAgentAndReported() throws Exception {
        // given: a revision id the fleet already has, written again with other SQL and a valid
        // signature (a writer that skipped the coordinator's checks, or a leaked key)
        Revision original = revision(HEAD);
        Revision changed = new Revision(original.id(), original.downRevisions(), original.branchLabels(),
                original.dependsOn(), original.message(), original.transactional(),
                original.upgradeSql() + "\nSELECT 1;", original.downgradeSql());
        Map<String, Integer> history = historyCounts();

        // when
        write(coordinator.signingKey.sign(event(RevisionPublished.of(changed))));

        // then: the agent refuses both contents and reports it; the coordinator keeps the first
        await().atMost(DEADLINE).until(() -> agent.refusedEvents() == 1);
        assertThat(agent.lastRefusal().orElseThrow()).startsWith("revision_conflict: revision " + HEAD)
                .contains(changed.checksum(), "both are refused");
        assertThat(agent.desired().orElseThrow().problems()).anyMatch(p -> p.contains(HEAD));
        JsonNode reported = awaitAgentReport(1);
        assertThat(reported.get("last_refusal").asText()).startsWith("revision_conflict: revision " + HEAD);
        await().atMost(DEADLINE).until(() -> poisonKinds().contains("revision_conflict"));
        JsonNode listed = coordinator.get("/api/revisions").json();
        assertThat(listed.toString()).contains(original.checksum()).doesNotContain(changed.checksum());
        assertThat(historyCounts()).isEqualTo(history);
        assertThat(allTenantsAt(FIRST)).isTrue();
    }

    @Test
    void aSignatureMovedToAnotherEventIsRefusedAndReplayedOldEventsMoveNothingBack() throws Exception {
        // given: the fleet moved on from FIRST to HEAD
        rollout(HEAD);
        await().atMost(DEADLINE).until(() -> allTenantsAt(HEAD));
        Map<String, Integer> history = historyCounts();
        long refused = agent.refusedEvents();
        long poison = coordinator.get("/api/fleet").json().get("poison_records").asLong();
        JsonNode fleetBefore = coordinator.get("/api/fleet").json();
        Map<String, List<byte[]>> log = recordsByType();

        // when: the first rollout (to FIRST), a revision and a retry of a converged tenant are
        // replayed byte for byte, genuinely signed; and a genuine signature is moved onto a new
        // rollout back to FIRST
        List<byte[]> rollouts = log.get("rollout_started");
        coordinator.raw(coordinator.topics.rollouts(), "replay", rollouts.get(0));
        coordinator.raw(coordinator.topics.revisions(), "replay", log.get("revision_published").get(0));
        coordinator.produce(new TenantRetryRequested("sg_0", "replayer", java.time.Instant.now()), "user:replayer");
        Envelope genuine = coordinator.signingKey.sign(event(RolloutStarted.toWholeFleet("genuine", HEAD)));
        Envelope back = event(RolloutStarted.toWholeFleet("moved-signature", FIRST));
        write(new Envelope(back.schema(), back.type(), back.id(), back.at(), back.producer(), back.body(),
                genuine.sig()));
        write(event(RevisionPublished.of(revision(HEAD)))); // unsigned: the revisions topic's read marker

        // then: both consumers read past them all (the two refusals are their markers) ...
        await().atMost(DEADLINE).until(() -> agent.refusedEvents() == refused + 2);
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/fleet").json().get("poison_records").asLong()
                == poison + 2);
        assertThat(poisonKinds()).endsWith("bad_signature", "unsigned");
        // ... and nothing moved back: the agent still wants HEAD, the coordinator still shows it
        assertThat(agent.desired().orElseThrow().destination()).isEqualTo(HEAD);
        JsonNode fleetAfter = coordinator.get("/api/fleet").json();
        assertThat(fleetAfter.get("destination")).isEqualTo(fleetBefore.get("destination"));
        assertThat(fleetAfter.get("rollout")).isEqualTo(fleetBefore.get("rollout"));
        // a retry of a converged tenant (all a replayed retry can ask for) changes nothing either
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/tenants/sg_0").json().get("history").toString()
                .contains("tenant_retry_requested"));
        assertThat(allTenantsAt(HEAD)).isTrue();
        assertThat(historyCounts()).isEqualTo(history);
    }

    @Test
    void recordsThatAreNotEventsAreSkippedAndCountedOnEveryTopicAndTheNextGoodEventsApply() throws Exception {
        // given
        long agentPoison = agent.poisonRecords();
        long poison = coordinator.get("/api/fleet").json().get("poison_records").asLong();
        Map<String, Integer> history = historyCounts();
        byte[] good = EventCodec.encode(coordinator.signingKey.sign(event(RolloutStarted.toWholeFleet("x", HEAD))));
        ObjectNode envelope = (ObjectNode) CoordinatorFixture.JSON.readTree(good);
        Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
        hostile.put("truncated", java.util.Arrays.copyOf(good, good.length / 2));
        hostile.put("not JSON", new byte[] {0, (byte) 0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'});
        hostile.put("a JSON array", "[1,2,3]".getBytes(StandardCharsets.UTF_8));
        hostile.put("a field of the wrong type", edited(envelope, e -> e.put("schema", "1")));
        hostile.put("an unknown schema version", edited(envelope, e -> e.put("schema", 99)));
        hostile.put("an unknown type", edited(envelope, e -> e.put("type", "no_such_event")));
        hostile.put("a body missing fields", edited(envelope, e -> ((ObjectNode) e.get("body")).remove("to")));
        List<String> kinds = List.of("malformed", "malformed", "malformed", "malformed", "unsupported_schema",
                "unknown_type", "invalid_body");
        List<String> topics = List.of(coordinator.topics.revisions(), coordinator.topics.rollouts(),
                coordinator.topics.reports());

        // when: each kind on each topic, and tombstones (compaction's, not poison)
        for (String topic : topics) {
            hostile.values().forEach(value -> coordinator.raw(topic, "hostile", value));
            coordinator.raw(topic, "hostile", null);
        }
        // and valid events whose values PostgreSQL refuses: SQL with a NUL (signed, past the
        // coordinator's checks), a report dated after PostgreSQL's last timestamp
        Revision nul = new Revision("a0a0a0a0a0a0", List.of(HEAD), List.of(), List.of(), "nul", true,
                "SELECT 1; -- \u0000", "");
        write(coordinator.signingKey.sign(event(RevisionPublished.of(nul))));
        coordinator.produce(new TenantReport("sg_far", "agent-s", List.of(FIRST), TenantState.CONVERGED, FIRST, null,
                List.of(), null, null, 1, java.time.Instant.parse("+300000-01-01T00:00:00Z")), "agent:evil");
        // then the good ones: a rollout through the API and a report
        rollout(HEAD);
        coordinator.produce(new TenantReport("sg_late", "agent-s", List.of(HEAD), TenantState.CONVERGED, HEAD, null,
                List.of(), null, null, 1, java.time.Instant.now()), "agent:evil");

        // then: the agent skipped and counted every record that is not an event on its two topics
        // (tombstones are not counted), refused nothing, and still converged on the good rollout
        await().atMost(DEADLINE).until(() -> allTenantsAt(HEAD));
        await().atMost(DEADLINE).until(() -> agent.poisonRecords() == agentPoison + 2L * hostile.size());
        assertThat(agent.refusedEvents()).isZero();
        // the coordinator recorded each with its kind, and the unstorable ones as unprojectable
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/tenants/sg_late").status() == 200);
        assertThat(coordinator.get("/api/fleet").json().get("poison_records").asLong())
                .isEqualTo(poison + 3L * hostile.size() + 2);
        for (String topic : topics) {
            List<String> expected = new ArrayList<>(kinds);
            if (!topic.equals(coordinator.topics.rollouts())) {
                expected.add("unprojectable");
            }
            assertThat(poisonKinds(topic)).as(topic).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(coordinator.get("/api/tenants/sg_far").status()).isEqualTo(404);
        assertThat(coordinator.get("/api/revisions").json().toString()).doesNotContain(nul.id());
        assertThat(coordinator.get("/api/fleet").json().get("destination").asText()).isEqualTo(HEAD);
        // and every tenant ran exactly the steps from FIRST to HEAD, nothing else
        Map<String, Integer> after = historyCounts();
        after.forEach((tenant, count) -> assertThat(count).as(tenant).isGreaterThan(history.get(tenant)));
        assertThat(db.query("SELECT count(*) FROM sg_0.schemafleet_history WHERE revision = '" + nul.id() + "'"))
                .containsExactly("0");
    }

    private static byte[] edited(ObjectNode envelope, java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode copy = envelope.deepCopy();
        edit.accept(copy);
        return copy.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The coordinator's topics' record values by event type, in log order. */
    private Map<String, List<byte[]>> recordsByType() {
        Map<String, List<byte[]>> out = new HashMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", TestKafka.broker().bootstrapServers(), "isolation.level", "read_committed"),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = List.of(
                    new org.apache.kafka.common.TopicPartition(coordinator.topics.revisions(), 0),
                    new org.apache.kafka.common.TopicPartition(coordinator.topics.rollouts(), 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (EventCodec.decode(record.value()) instanceof io.schemafleet.protocol.event.Decoded.Event e) {
                        out.computeIfAbsent(e.envelope().type().code(), k -> new ArrayList<>()).add(record.value());
                    }
                }
            }
        }
        return out;
    }

    private void rollout(String to) {
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", to))
                .status()).isBetween(200, 201);
    }

    /** The agent as GET /api/agents shows it once its heartbeat reports {@code refused} refusals. */
    private JsonNode awaitAgentReport(int refused) {
        JsonNode[] row = new JsonNode[1];
        await().atMost(DEADLINE).until(() -> {
            for (JsonNode a : coordinator.get("/api/agents").json().get("agents")) {
                if (a.get("id").asText().equals("agent-s") && a.get("refused_events").asInt() == refused) {
                    row[0] = a;
                    return true;
                }
            }
            return false;
        });
        return row[0];
    }

    private static Envelope event(EventBody body) {
        return Envelopes.of(body, "coordinator");
    }

    /** A genuinely signed rollout whose destination was changed afterwards, signature kept. */
    private static Envelope tampered(Envelope signed, String to) {
        ObjectNode body = (ObjectNode) signed.body();
        body.put("to", to);
        return new Envelope(signed.schema(), signed.type(), signed.id(), signed.at(), signed.producer(), body,
                signed.sig());
    }

    private void write(Envelope envelope) {
        String topic = coordinator.topics.topicFor(envelope.type());
        String key = envelope.body().has("rollout_id") ? Topics.rolloutKey(envelope.body().get("rollout_id").asText())
                : Topics.revisionKey(envelope.body().get("revision").asText());
        coordinator.raw(topic, key, EventCodec.encode(envelope));
    }

    private Revision revision(String id) {
        return io.schemafleet.protocol.revision.RevisionDirectory.loadValid(CoordinatorFixture.EXAMPLES).revisions()
                .stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private List<String> poisonKinds() throws Exception {
        return poisonKinds(null);
    }

    /** Poison kinds the coordinator recorded on {@code topic}, in log order (null: the signed topics). */
    private List<String> poisonKinds(String topic) throws Exception {
        List<String> kinds = new ArrayList<>();
        String where = topic == null ? "topic <> '" + coordinator.topics.reports() + "'" : "topic = '" + topic + "'";
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kind FROM poison_records WHERE " + where
                     + " ORDER BY topic DESC, \"offset\"")) {
            while (rs.next()) {
                kinds.add(rs.getString(1));
            }
        }
        return kinds;
    }

    private boolean allTenantsAt(String head) {
        for (int i = 0; i < TENANTS; i++) {
            try {
                if (!db.query("SELECT version_num FROM sg_" + i + ".schemafleet_version").equals(List.of(head))) {
                    return false;
                }
            } catch (java.sql.SQLException notYet) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Integer> historyCounts() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < TENANTS; i++) {
            out.put("sg_" + i, Integer.parseInt(db.query("SELECT count(*) FROM sg_" + i + ".schemafleet_history")
                    .get(0)));
        }
        return out;
    }
}
