package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.deploy.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop over a real broker and a real PostgreSQL: a coordinator and two agents
 * with 50 schema tenants each. Revisions published over HTTP and a rollout bring every
 * tenant to the destination, and the coordinator's fleet view says so; more revisions
 * converge again through an agent restart; a coordinator rebuilt from the log alone
 * answers the same; poison on every topic is skipped and counted.
 */
class FleetEndToEndIT {
    private static final int PER_AGENT = 50;
    private static final List<String> FIRST = List.of("801b86be184b", "122b81ebc3d7", "360b16ba22c2",
            "2d12193b6184", "3cfc87221979");
    private static final String HEAD = "c8626eb4ecaa";

    private CoordinatorFixture coordinator;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aCoordinatorAndTwoAgentsBringAHundredTenantsToHeadAndKnowIt() throws Exception {
        coordinator = new CoordinatorFixture("e2e");
        coordinator.start();
        TestDatabase dbA = tenants("e2ea", "ta");
        TestDatabase dbB = tenants("e2eb", "tb");
        for (String topic : List.of(coordinator.topics.revisions(), coordinator.topics.rollouts(),
                coordinator.topics.reports())) {
            coordinator.raw(topic, "poison", "\u0000 not an event".getBytes(StandardCharsets.UTF_8));
        }

        // Five revisions (two heads: the perf branch and the main line), rolled out to heads.
        Map<String, String> all = CoordinatorFixture.exampleFiles();
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.only(all, FIRST)))
                .status()).isEqualTo(201);
        CoordinatorFixture.Reply first = coordinator.post("/api/rollouts",
                CoordinatorFixture.JSON.createObjectNode().put("to", "heads"));
        assertThat(first.status()).isBetween(200, 201);
        AgentLoop agentA = agent("agent-a", dbA, "ta_%");
        agent("agent-b", dbB, "tb_%");

        awaitFleet(2 * PER_AGENT, "122b81ebc3d7,3cfc87221979");
        assertThat(agentA.poisonRecords()).isEqualTo(2);
        // "heads" follows what is published: the rollout must be completed before more is
        // published, or its tenants move on under it and the next rollout finds it running.
        String firstId = first.json().path("rollout_id").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                coordinator.get("/api/rollouts/" + firstId).json().path("state").asText().equals("completed"));

        // The rest of the examples, rolled out to head; agent B restarts in the middle of it.
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(all)).status()).isBetween(200, 201);
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                .status()).isBetween(200, 201);
        AgentLoop agentB = (AgentLoop) closing.get(closing.size() - 1);
        // Restart agent B as soon as it has started on the new revisions (5 steps were the first rollout).
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Integer.parseInt(dbB.query("SELECT count(*) FROM tb_00.schemafleet_history").get(0)) > 5);
        agentB.close();
        closing.remove(agentB);
        agent("agent-b", dbB, "tb_%");

        JsonNode converged = awaitFleet(2 * PER_AGENT, HEAD);
        assertThat(converged.get("poison_records").asLong()).isGreaterThanOrEqualTo(3);
        assertMetricsSayConverged(converged);

        // Rebuild the coordinator from the log alone: the same answers.
        coordinator.stop();
        coordinator.dropTables();
        coordinator.start();
        JsonNode rebuilt = awaitFleet(2 * PER_AGENT, HEAD);
        for (String field : List.of("destination", "tenants", "converged", "by_state", "by_heads", "poison_records")) {
            assertThat(rebuilt.get(field)).as(field).isEqualTo(converged.get(field));
        }
        JsonNode tenant = coordinator.get("/api/tenants/ta_07").json();
        assertThat(tenant.toString()).contains(HEAD);
        // The gauges come from the tables, so a rebuilt coordinator reports the same fleet.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(coordinator.readOnly().scrape()
                .value("schemafleet_tenants", "state", "converged")).isEqualTo(2 * PER_AGENT));
    }

    /** {@code GET /prometheus} after the rollout: what the fleet view says, and every step reported. */
    private void assertMetricsSayConverged(JsonNode fleet) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText metrics = coordinator.readOnly().scrape();
            assertThat(metrics.value("schemafleet_tenants", "state", "converged")).isEqualTo(2 * PER_AGENT);
            assertThat(metrics.value("schemafleet_tenants", "state", "failed")).isZero();
            assertThat(metrics.value("schemafleet_tenants_behind_destination")).isZero();
            assertThat(metrics.sum("schemafleet_tenants_failed")).isZero();
            assertThat(metrics.value("schemafleet_projection_poison_records"))
                    .isEqualTo(fleet.get("poison_records").asDouble());
            assertThat(metrics.sum("schemafleet_projection_lag_records")).isZero();
            assertThat(metrics.find("schemafleet_projection_lag_records")).hasSize(3);
            // Every tenant took the step to head once, and agent B's restart did not count any step twice.
            assertThat(metrics.sum("schemafleet_step_duration_seconds_count", "revision", HEAD, "direction", "upgrade"))
                    .isEqualTo(2 * PER_AGENT);
            assertThat(metrics.value("schemafleet_step_duration_seconds_bucket", "revision", HEAD, "le", "+Inf"))
                    .isEqualTo(2 * PER_AGENT);
            for (String agent : List.of("agent-a", "agent-b")) {
                assertThat(metrics.value("schemafleet_agent_heartbeat_age_seconds", "agent", agent))
                        .isBetween(0.0, 30.0);
            }
        });
    }

    /** Waits until the fleet view shows {@code count} tenants, all converged at {@code heads}. */
    private JsonNode awaitFleet(int count, String heads) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode fleet = coordinator.get("/api/fleet").json();
            last[0] = fleet;
            return fleet != null && fleet.path("tenants").asInt() == count && fleet.path("converged").asInt() == count
                    && fleet.path("by_heads").path(heads).asInt() == count;
        });
        return last[0];
    }

    private TestDatabase tenants(String name, String prefix) throws Exception {
        TestDatabase db = TestDatabase.create(name);
        closing.add(db);
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < PER_AGENT; i++) {
            ddl.append(String.format("CREATE SCHEMA %s_%02d;", prefix, i));
        }
        db.execute(ddl.toString());
        return db;
    }

    private AgentLoop agent(String id, TestDatabase db, String pattern) {
        Databases pools = new Databases(DbCredentials.NONE, 4);
        closing.add(pools);
        AgentSettings settings = coordinator.agentSettings(4, ApplyOptions.defaults(id));
        AgentLoop agent = new AgentLoop(settings, new SchemaPatternDiscovery(pools, db.url(), pattern), pools,
                (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
        closing.add(agent);
        agent.start();
        return agent;
    }
}
