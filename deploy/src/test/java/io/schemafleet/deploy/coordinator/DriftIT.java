package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.CliRun;
import io.schemafleet.deploy.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A manual ALTER TABLE on one tenant is spotted as drift within a resync, and the diff names
 * it; a diff against the majority asks a tenant whose agent is still heard.
 */
class DriftIT {
    private static final int TENANTS = 5;

    private CoordinatorFixture coordinator;
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void aHandMadeColumnMakesItsTenantDriftedAndTheDiffShowsIt() throws Exception {
        coordinator = resources.add(new CoordinatorFixture("drift"));
        coordinator.start();
        TestDatabase db = TestDatabase.create("drift");
        resources.add(db);
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < TENANTS; i++) {
            ddl.append(String.format("CREATE SCHEMA dr_%02d;", i));
        }
        db.execute(ddl.toString());
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                .status()).isEqualTo(201);
        agent(db);
        awaitFleet(f -> f.path("converged").asInt() == TENANTS && f.path("by_state").path("converged").asInt() == TENANTS);
        assertThat(coordinator.get("/api/drift").json().path("drifted").asLong()).isZero();

        db.execute("ALTER TABLE dr_02.users ADD COLUMN nickname text");

        // Within a resync (2 s here) the agent re-fingerprints and reports; the coordinator sees the outlier.
        JsonNode fleet = awaitFleet(f -> f.path("by_state").path("drifted").asInt() == 1);
        assertThat(fleet.path("by_state").path("converged").asInt()).isEqualTo(TENANTS - 1);
        assertThat(fleet.path("converged").asInt()).as("a drifted tenant is still at the destination's heads")
                .isEqualTo(TENANTS);
        JsonNode drift = coordinator.get("/api/drift").json();
        assertThat(drift.path("drifted").asLong()).isEqualTo(1);
        JsonNode drifted = drift.path("tenants").path("tenants").get(0);
        assertThat(drifted.path("id").asText()).isEqualTo("dr_02");
        assertThat(drifted.path("state").asText()).isEqualTo("drifted");
        assertThat(drifted.path("fingerprint").asText()).isNotEqualTo(drifted.path("majority_fingerprint").asText());
        JsonNode group = drift.path("groups").get(0);
        assertThat(group.path("converged").asInt()).isEqualTo(TENANTS);
        assertThat(group.path("variants").asInt()).isEqualTo(2);
        assertThat(group.path("majority_tenants").asInt()).isEqualTo(TENANTS - 1);
        assertThat(coordinator.get("/api/tenants?state=drifted").json().path("total").asInt()).isEqualTo(1);

        // Against the majority: the agent describes both tenants on request.
        CoordinatorFixture.Reply diff = coordinator.post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_02"));
        assertThat(diff.status()).as(diff.toString()).isEqualTo(200);
        assertThat(diff.json().path("against_majority").asBoolean()).isTrue();
        assertThat(diff.json().path("against").asText()).startsWith("dr_").isNotEqualTo("dr_02");
        assertThat(diff.json().path("identical").asBoolean()).isFalse();
        List<String> lines = StreamSupport.stream(diff.json().path("lines").spliterator(), false)
                .map(JsonNode::asText).toList();
        assertThat(lines).filteredOn(l -> !l.startsWith("  ") && !l.startsWith("@@"))
                .containsExactly("-   column nickname text");
        assertThat(lines.get(0)).as("the hunk names the table its column lines belong to: %s", lines)
                .isEqualTo("@@ table users");

        // Two tenants with the same schema: identical.
        CoordinatorFixture.Reply same = coordinator.post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_00").put("against", "dr_01"));
        assertThat(same.status()).as(same.toString()).isEqualTo(200);
        assertThat(same.json().path("identical").asBoolean()).isTrue();
        assertThat(same.json().path("lines")).isEmpty();

        // A diff only asks agents to describe: a read-only token may ask for one.
        CoordinatorFixture.Reply read = coordinator.readOnly().post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_00").put("against", "dr_02"));
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.json().path("identical").asBoolean()).isFalse();

        // A tenant with itself is refused at once, naming it (not after the describe timeout).
        CoordinatorFixture.Reply itself = coordinator.post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_01").put("against", "dr_01"));
        assertThat(itself.status()).as(itself.toString()).isEqualTo(400);
        assertThat(itself.json().at("/error/type").asText()).isEqualTo("InvalidRequest");
        assertThat(itself.json().at("/error/message").asText())
                .isEqualTo("tenant and against are both dr_01: compare a tenant with another one");

        // The same from the CLI: exit 1 while something drifted (drift) or differs (diff), 2 on trouble, like diff(1).
        CliRun driftCli = coordinator.cli("drift", "--url", coordinator.url());
        assertThat(driftCli.exit()).as(driftCli.toString()).isEqualTo(1);
        assertThat(driftCli.out()).contains("dr_02", "drifted", "schemafleet diff TENANT");
        CliRun diffCli = coordinator.cli("diff", "dr_02", "--url", coordinator.url());
        assertThat(diffCli.exit()).as(diffCli.toString()).isEqualTo(1);
        assertThat(diffCli.outLines()).contains("-   column nickname text")
                .anyMatch(l -> l.startsWith("+++ dr_") && l.endsWith("(has the majority's schema)"));
        CliRun sameCli = coordinator.cli("diff", "dr_00", "dr_01", "--url", coordinator.url());
        assertThat(sameCli.exit()).as(sameCli.toString()).isZero();
        assertThat(sameCli.lastOutLine()).isEqualTo("identical schemas");
        CliRun nobodyCli = coordinator.cli("diff", "nobody", "--url", coordinator.url());
        assertThat(nobodyCli.exit()).as(nobodyCli.toString()).isEqualTo(2);
        CliRun itselfCli = coordinator.cli("diff", "dr_01", "dr_01", "--url", coordinator.url());
        assertThat(itselfCli.exit()).as(itselfCli.toString()).isEqualTo(2);

        assertThat(coordinator.post("/api/drift/diff", CoordinatorFixture.JSON.createObjectNode()
                .put("tenant", "nobody")).status()).isEqualTo(404);
        assertThat(coordinator.post("/api/drift/diff", CoordinatorFixture.JSON.createObjectNode()).status())
                .isEqualTo(400);

        // Undo the hand-made change: the drift goes away on the next resync.
        db.execute("ALTER TABLE dr_02.users DROP COLUMN nickname");
        awaitFleet(f -> f.path("by_state").path("converged").asInt() == TENANTS && !f.path("by_state").has("drifted"));
        assertThat(coordinator.cli("drift", "--url", coordinator.url()).exit()).isZero();
    }

    @Test
    void withoutOtherTheDiffPicksAMajorityTenantWhoseAgentIsStillHeard() throws Exception {
        coordinator = resources.add(new CoordinatorFixture("driftpick")
                .with("schemafleet.describe-timeout", "8s"));
        coordinator.start();
        TestDatabase db = TestDatabase.create("driftpick");
        resources.add(db);
        db.execute("CREATE SCHEMA dr_00; CREATE SCHEMA dr_01; CREATE SCHEMA dr_02; CREATE SCHEMA ds_00;"
                + " CREATE SCHEMA ds_01;");
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                .status()).isEqualTo(201);
        coordinator.startAgent(resources, db.url(), "dr_%", 4, ApplyOptions.defaults("staying-agent"));
        awaitFleet(f -> f.path("by_state").path("converged").asInt() == 3);
        // Started last, this agent's tenants report last: picking by the newest report would pick one of them.
        AgentLoop stopping = coordinator.startAgent(resources, db.url(), "ds_%", 4,
                ApplyOptions.defaults("stopping-agent"));
        awaitFleet(f -> f.path("by_state").path("converged").asInt() == 5);
        db.execute("ALTER TABLE dr_02.users ADD COLUMN nickname text");
        awaitFleet(f -> f.path("by_state").path("drifted").asInt() == 1);
        JsonNode newest = StreamSupport.stream(coordinator.get("/api/tenants?state=converged").json().path("tenants")
                .spliterator(), false).max(Comparator.comparing(t -> Instant.parse(t.path("last_report_at").asText())))
                .orElseThrow();
        assertThat(newest.path("id").asText()).as("the newest report is from the agent about to stop").startsWith("ds_");

        stopping.close();
        Instant stopped = Instant.now();
        // Once the other agent is heard after the stop (heard_at is the broker's time: the embedded broker's clock
        // is this JVM's), it is the most recently heard for certain.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                StreamSupport.stream(coordinator.get("/api/agents").json().path("agents").spliterator(), false)
                        .anyMatch(a -> a.path("id").asText().equals("staying-agent")
                                && Instant.parse(a.path("heard_at").asText()).isAfter(stopped)));

        CoordinatorFixture.Reply diff = coordinator.post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_02"));
        assertThat(diff.status()).as(diff.toString()).isEqualTo(200);
        assertThat(diff.json().path("against").asText()).as("a tenant of the agent still running").isIn("dr_00", "dr_01");
        assertThat(diff.json().path("against_majority").asBoolean()).isTrue();

        // Naming a tenant of the stopped agent: the answer says whose agent did not answer and when it was last heard.
        CoordinatorFixture.Reply silent = coordinator.post("/api/drift/diff",
                CoordinatorFixture.JSON.createObjectNode().put("tenant", "dr_02").put("against", "ds_00"));
        assertThat(silent.status()).as(silent.toString()).isEqualTo(503);
        assertThat(silent.json().at("/error/message").asText())
                .startsWith("no schema description from ds_00 (agent stopping-agent, last heard 20")
                .contains("within 8 s: is its agent running?");

        // Each diff holds a request thread while it waits for agents: one more than the limit, all waiting on the
        // stopped agent at once, is refused at once rather than queued.
        int asked = 5;
        ExecutorService callers = Executors.newFixedThreadPool(asked);
        List<Future<CoordinatorFixture.Reply>> replies;
        try {
            replies = callers.invokeAll(Collections.nCopies(asked, () -> coordinator.post("/api/drift/diff",
                    CoordinatorFixture.JSON.createObjectNode().put("tenant", "ds_01").put("against", "ds_00"))));
        } finally {
            callers.shutdown();
        }
        List<String> codes = new ArrayList<>();
        for (Future<CoordinatorFixture.Reply> reply : replies) {
            assertThat(reply.get().status()).as(reply.get().toString()).isEqualTo(503);
            codes.add(reply.get().json().at("/error/type").asText());
        }
        assertThat(codes).as("four wait for the agents' answers, the fifth is turned away")
                .containsExactlyInAnyOrder("NoDescription", "NoDescription", "NoDescription", "NoDescription",
                        "DiffBusy");
    }

    private JsonNode awaitFleet(java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = coordinator.get("/api/fleet").json();
            return last[0] != null && condition.test(last[0]);
        });
        return last[0];
    }

    private void agent(TestDatabase db) {
        coordinator.startAgent(resources, db.url(), "dr_%", 4, ApplyOptions.defaults("drift-agent"));
    }
}
