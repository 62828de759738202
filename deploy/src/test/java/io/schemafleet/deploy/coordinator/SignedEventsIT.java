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
 * agent as a whole, and reported.
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
        List<String> kinds = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kind FROM poison_records WHERE topic <> '"
                     + coordinator.topics.reports() + "' ORDER BY topic DESC, \"offset\"")) {
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
