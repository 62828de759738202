package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.LabelRules;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.deploy.Resources;
import io.schemafleet.protocol.fleet.Buckets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Staged rollouts end to end over a real broker and PostgreSQL: an in-process
 * coordinator and agent, schema tenants labelled by the agent's rules. Waves start only
 * after the previous one converged and soaked, a failing canary halts the rollout before
 * anyone else is touched, downgrades and pins, and a coordinator rebuilt from the log in
 * the middle of a rollout carries on.
 */
class RolloutsIT {
    private static final String A = "aaaa00000001";
    private static final String B = "bbbb00000002";
    private static final String C = "cccc00000003";
    private static final String FIX = "ffff00000004";
    /** Tenants t_00..t_09 are canaries. */
    private static final LabelRules CANARIES = LabelRules.parse(List.of("region=eu"), List.of("t_0*:tier=canary"));

    private CoordinatorFixture coordinator;
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void threeWavesOverSixtyTenantsEachAfterThePreviousConvergedAndSoaked() throws Exception {
        TestDatabase db = fleet("rollwaves", 60, CANARIES);
        publish(revision(A, "", "CREATE TABLE items (id int, qty int)", "DROP TABLE items"));
        // The fleet's destination is A itself, not "head": a "head" rollout would take B the moment it is published.
        String first = startRollout(body(A));
        awaitRollout(first, r -> r.path("state").asText().equals("completed"));
        publish(revision(B, A, "ALTER TABLE items ADD COLUMN note text", "ALTER TABLE items DROP COLUMN note"));

        JsonNode answer = startRolloutAnswer(body("head", wave("canary", Map.of("tier", "canary"), null, "1s", null),
                wave("half", Map.of(), 50, "1s", null), wave("rest", Map.of(), null, null, null)));
        assertThat(answer.path("note").isNull()).as("every wave selects tenants: %s", answer).isTrue();
        String id = answer.get("rollout_id").asText();
        JsonNode done = awaitRollout(id, r -> r.path("state").asText().equals("completed"));

        JsonNode waves = done.get("waves");
        assertThat(waves).extracting(w -> w.get("tenants").asInt()).containsExactly(10,
                (int) nonCanaries().filter(t -> Buckets.of(t) < 50).count(),
                (int) nonCanaries().filter(t -> Buckets.of(t) >= 50).count());
        assertThat(waves).allSatisfy(w -> assertThat(w.get("converged").asInt()).isEqualTo(w.get("tenants").asInt()));
        for (int i = 1; i < 3; i++) {
            Instant converged = Instant.parse(waves.get(i - 1).get("converged_at").asText());
            Instant admitted = Instant.parse(waves.get(i).get("admitted_at").asText());
            assertThat(admitted).as("wave %d admitted after wave %d converged and soaked 1 s", i, i - 1)
                    .isAfterOrEqualTo(converged.plusSeconds(1));
        }
        // Every tenant's history: its upgrade to B started after its own wave was admitted, never before.
        for (int t = 0; t < 60; t++) {
            String tenant = String.format("t_%02d", t);
            int wave = t < 10 ? 0 : Buckets.of(tenant) < 50 ? 1 : 2;
            Instant admitted = Instant.parse(waves.get(wave).get("admitted_at").asText());
            List<String> started = db.query("SELECT started_at FROM " + tenant + ".schemafleet_history WHERE revision = '"
                    + B + "'");
            assertThat(started).as(tenant).hasSize(1);
            assertThat(db.query("SELECT count(*) FROM " + tenant + ".schemafleet_history WHERE revision = '" + B
                    + "' AND started_at < '" + admitted + "'")).as(tenant).containsExactly("0");
        }

        // A canary wave whose label is misspelt selects nobody, and would gate nothing: the answer says so.
        JsonNode misspelt = startRolloutAnswer(body("head", wave("canary", Map.of("tier", "canry"), null, "1s", 0),
                wave("rest", Map.of(), null, null, null)));
        assertThat(misspelt.path("note").asText()).isEqualTo("wave canary (tier=canry) selects none of the 60"
                + " tenants the coordinator knows, and so gates nothing. If a label is misspelt, abort this rollout"
                + " and start it again with the waves put right");
    }

    @Test
    void aRevisionFailingOnTheCanariesHaltsAfterTheCanaryWaveAndAFixForwardConvergesEveryone() throws Exception {
        TestDatabase db = fleet("rollhalt", 30, CANARIES);
        publish(revision(A, "", "CREATE TABLE items (id int, qty int)", "DROP TABLE items"));
        awaitRollout(startRollout(body(A)), r -> r.path("state").asText().equals("completed"));
        awaitFleet(30, A);
        for (int t = 0; t < 10; t++) {
            db.execute(String.format("INSERT INTO t_%02d.items VALUES (1, -1)", t)); // canaries' data breaks B
        }
        assertThat(publish(revision(B, A, "ALTER TABLE items ADD CONSTRAINT qty_positive CHECK (qty >= 0)",
                "ALTER TABLE items DROP CONSTRAINT qty_positive"))).as("the fleet's rollout names A: B moves nobody")
                .isNull();

        String id = startRollout(body("head", wave("canary", Map.of("tier", "canary"), null, "1s", 0),
                wave("rest", Map.of(), null, null, null)));
        JsonNode halted = awaitRollout(id, r -> r.path("state").asText().equals("halted"));

        assertThat(halted.get("halt_reason").asText()).contains("wave canary", "failed", "t_0",
                "(sql_failed 23514: "); // with the SQLSTATE: check_violation
        assertThat(halted.at("/waves/0/state").asText()).isEqualTo("halted");
        assertThat(halted.at("/waves/1/state").asText()).isEqualTo("waiting");
        // Nobody outside the canary wave was touched: no step of B in their history, still at A.
        for (int t = 10; t < 30; t++) {
            assertThat(db.query(String.format("SELECT count(*) FROM t_%02d.schemafleet_history WHERE revision = '%s'",
                    t, B))).containsExactly("0");
        }
        assertThat(coordinator.get("/api/fleet").json().path("rollout_state").asText()).isEqualTo("halted");
        // A halted rollout blocks a new one until it is aborted or superseded.
        CoordinatorFixture.Reply refused = coordinator.post("/api/rollouts", body(FIX));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("error").path("message").asText()).as("for the API and the command line alike")
                .endsWith("abort it first, or replace it (\"supersede\": true; on the command line, --supersede)");

        // Fix forward: a revision beside B that cleans the data first, rolled out in waves again.
        // The halted rollout goes to head: a second head leaves it naming no single place, which the answer says.
        assertThat(publish(revision(FIX, A, "UPDATE items SET qty = 0 WHERE qty < 0; "
                + "ALTER TABLE items ADD CONSTRAINT qty_positive CHECK (qty >= 0)",
                "ALTER TABLE items DROP CONSTRAINT qty_positive")))
                .startsWith("the fleet's rollout " + id + " goes to head, which no longer resolves to one place"
                        + " (heads now ")
                .contains(B).contains(FIX);
        assertThat(coordinator.post("/api/rollouts/" + id + "/abort", CoordinatorFixture.JSON.createObjectNode())
                .json().get("state").asText()).isEqualTo("aborted");
        CoordinatorFixture.Reply again = coordinator.post("/api/rollouts/" + id + "/abort",
                CoordinatorFixture.JSON.createObjectNode());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/error/message").asText()).isEqualTo("rollout " + id
                + " is aborted already: nothing to abort");
        JsonNode fixStarted = startRolloutAnswer(body(FIX, wave("canary", Map.of("tier", "canary"), null, "1s", 0),
                wave("rest", Map.of(), null, null, null)));
        assertThat(fixStarted.get("supersedes").asText()).isEqualTo(id);
        assertThat(fixStarted.get("supersedes_state").asText()).as("it had ended: followed, not replaced")
                .isEqualTo("aborted");
        String fix = fixStarted.get("rollout_id").asText();
        awaitRollout(fix, r -> r.path("state").asText().equals("completed"));
        awaitFleet(30, FIX);
    }

    @Test
    void aDowngradeOfOneCohortAndAPinnedTenant() throws Exception {
        fleet("rolldown", 20, CANARIES);
        publish(revision(A, "", "CREATE TABLE items (id int, qty int)", "DROP TABLE items"),
                revision(B, A, "ALTER TABLE items ADD COLUMN note text", "ALTER TABLE items DROP COLUMN note"));
        awaitRollout(startRollout(body("head")), r -> r.path("state").asText().equals("completed"));
        awaitFleet(20, B);

        // "-1" from the fleet's destination (B) is A; only the canary cohort is admitted.
        JsonNode down = coordinator.post("/api/rollouts", body("-1", wave("canary", Map.of("tier", "canary"), null,
                null, null))).json();
        assertThat(down.get("to").asText()).isEqualTo(A);
        awaitRollout(down.get("rollout_id").asText(), r -> r.path("state").asText().equals("completed"));
        JsonNode byHeads = coordinator.get("/api/fleet").json().get("by_heads");
        assertThat(byHeads.path(A).asInt()).isEqualTo(10);
        assertThat(byHeads.path(B).asInt()).isEqualTo(10);

        // A pin holds a tenant in place: not at a destination that moves, nor at what a request did not mean.
        for (String body : List.of("{\"to\":\"head\"}", "{\"to\":\"heads\"}", "{\"too\":\"base\"}",
                "{\"to\":123}", "{\"to\":\"\"}", "[]")) {
            CoordinatorFixture.Reply refused = coordinator.post("/api/tenants/t_15/pin",
                    CoordinatorFixture.JSON.readTree(body));
            assertThat(refused.status()).as("%s: %s", body, refused).isEqualTo(400);
        }
        assertThat(coordinator.post("/api/tenants/t_15/pin", CoordinatorFixture.JSON.readTree("{\"to\":\"head\"}"))
                .json().at("/error/message").asText()).isEqualTo("a pin holds a tenant in place, and 'head' moves"
                + " with every publish (it is " + B + " now): name a revision");
        assertThat(coordinator.get("/api/pins").json().size()).as("nothing pinned by the refused requests").isZero();
        // A revision named by the start of its id is recorded whole: a later revision cannot make it ambiguous.
        JsonNode byPrefix = coordinator.post("/api/tenants/t_16/pin", CoordinatorFixture.JSON.readTree(
                "{\"to\":\"" + B.substring(0, 6) + "\"}")).json();
        assertThat(byPrefix.get("to").asText()).isEqualTo(B);
        assertThat(coordinator.post("/api/tenants/t_16/unpin", CoordinatorFixture.JSON.createObjectNode()).status())
                .isEqualTo(200);
        List<JsonNode> pinEvents = new ArrayList<>(); // the agent's reports may come in between
        coordinator.get("/api/tenants/t_16?history=50").json().get("history").forEach(e -> {
            if (e.get("type").asText().matches("tenant_(un)?pinned")) {
                pinEvents.add(e);
            }
        });
        assertThat(pinEvents).extracting(e -> e.get("type").asText()).containsExactly("tenant_unpinned",
                "tenant_pinned");
        assertThat(pinEvents.get(1).get("heads").asText()).as("where it was pinned").isEqualTo(B);

        // A pinned tenant stays where it is through the next rollout, and follows once unpinned.
        JsonNode pin = coordinator.post("/api/tenants/t_15/pin", CoordinatorFixture.JSON.createObjectNode()).json();
        assertThat(pin.get("to").asText()).isEqualTo(B);
        publish(revision(C, B, "ALTER TABLE items ADD COLUMN price int", "ALTER TABLE items DROP COLUMN price"));
        JsonNode toC = startRolloutAnswer(body(C.substring(0, 6)));
        assertThat(toC.get("to").asText()).as("recorded by the whole id").isEqualTo(C);
        awaitRollout(toC.get("rollout_id").asText(), r -> r.path("state").asText().equals("completed"));
        awaitTenants(19, C);
        assertThat(coordinator.get("/api/tenants/t_15").json().at("/tenant/heads").asText()).isEqualTo(B);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode fleet = coordinator.get("/api/fleet").json();
            assertThat(fleet.get("converged").asInt()).isEqualTo(19);
            assertThat(fleet.get("pinned_elsewhere").asInt()).as("t_15, held at B: where it is meant to be")
                    .isEqualTo(1);
        });
        assertThat(coordinator.cli("watch", "--url", coordinator.url(), "--expect", "20", "--timeout", "30s").exit())
                .as("watch counts it as done").isZero();
        assertThat(coordinator.post("/api/tenants/t_15/unpin", CoordinatorFixture.JSON.createObjectNode()).status())
                .isEqualTo(200);
        awaitFleet(20, C);
    }

    @Test
    void aCoordinatorRebuiltFromTheLogMidRolloutCarriesOn() throws Exception {
        fleet("rollrestart", 20, CANARIES);
        publish(revision(A, "", "CREATE TABLE items (id int, qty int)", "DROP TABLE items"));
        awaitRollout(startRollout(body(A)), r -> r.path("state").asText().equals("completed"));
        awaitFleet(20, A);
        publish(revision(B, A, "ALTER TABLE items ADD COLUMN note text", "ALTER TABLE items DROP COLUMN note"));
        String id = startRollout(body("head", wave("canary", Map.of("tier", "canary"), null, "4s", null),
                wave("rest", Map.of(), null, null, null)));
        JsonNode soaking = awaitRollout(id, r -> r.at("/waves/0/state").asText().equals("soaking"));

        coordinator.stop();
        coordinator.dropTables();
        coordinator.start();

        JsonNode done = awaitRollout(id, r -> r.path("state").asText().equals("completed"));
        // The soak was not restarted: the canary wave's convergence time comes from the log.
        assertThat(done.at("/waves/0/converged_at")).isEqualTo(soaking.at("/waves/0/converged_at"));
        assertThat(Instant.parse(done.at("/waves/1/admitted_at").asText()))
                .isAfterOrEqualTo(Instant.parse(soaking.at("/waves/0/converged_at").asText()).plusSeconds(4));
        awaitFleet(20, B);
    }

    /** A coordinator, {@code n} schema tenants {@code t_00..} and one agent labelling them. */
    private TestDatabase fleet(String name, int n, LabelRules labels) throws Exception {
        coordinator = resources.add(new CoordinatorFixture(name));
        coordinator.start();
        TestDatabase db = TestDatabase.create(name);
        resources.add(db);
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ddl.append(String.format("CREATE SCHEMA t_%02d;", i));
        }
        db.execute(ddl.toString());
        Databases pools = new Databases(DbCredentials.NONE, 4);
        resources.add(pools);
        AgentSettings settings = coordinator.agentSettings(4, ApplyOptions.defaults("agent-" + name));
        AgentLoop agent = new AgentLoop(settings, labels.applyTo(new SchemaPatternDiscovery(pools, db.url(), "t\\_%")),
                pools, (c, schema) -> null);
        resources.add(agent);
        agent.start();
        return db;
    }

    /** Publishes the files; returns the answer's {@code note} (null: the publish moved no tenant). */
    private String publish(Map.Entry<String, String>... files) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : files) {
            all.put(f.getKey(), f.getValue());
        }
        CoordinatorFixture.Reply reply = coordinator.post("/api/revisions", CoordinatorFixture.filesBody(all));
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        return reply.json().hasNonNull("note") ? reply.json().get("note").asText() : null;
    }

    private String startRollout(ObjectNode body) {
        return startRolloutAnswer(body).get("rollout_id").asText();
    }

    private JsonNode startRolloutAnswer(ObjectNode body) {
        CoordinatorFixture.Reply reply = coordinator.post("/api/rollouts", body);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json();
    }

    private JsonNode awaitRollout(String id, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = coordinator.get("/api/rollouts/" + id).json();
                return last[0] != null && condition.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("rollout " + id + " never got there; last seen: " + last[0], e);
        }
        return last[0];
    }

    private void awaitFleet(int count, String heads) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode fleet = coordinator.get("/api/fleet").json();
            return fleet.path("by_heads").path(heads).asInt() == count && fleet.path("tenants").asInt() == count;
        });
    }

    private void awaitTenants(int count, String heads) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                coordinator.get("/api/fleet").json().path("by_heads").path(heads).asInt() == count);
    }

    private static java.util.stream.Stream<String> nonCanaries() {
        return java.util.stream.IntStream.range(10, 60).mapToObj(t -> String.format("t_%02d", t));
    }

    private static Map.Entry<String, String> revision(String id, String down, String up, String downSql) {
        return Map.entry(id + "_r.sql", "-- revision: " + id + "\n-- down_revision: " + down + "\n-- message: " + id
                + "\n-- +upgrade\n" + up + ";\n-- +downgrade\n" + downSql + ";\n");
    }

    private static ObjectNode body(String to, ObjectNode... waves) {
        ObjectNode body = CoordinatorFixture.JSON.createObjectNode().put("to", to);
        ArrayNode array = body.putArray("waves");
        for (ObjectNode w : waves) {
            array.add(w);
        }
        return body;
    }

    private static ObjectNode wave(String name, Map<String, String> labels, Integer bucket, String soak,
                                   Integer maxFailures) {
        ObjectNode w = CoordinatorFixture.JSON.createObjectNode().put("name", name);
        ObjectNode l = w.putObject("labels");
        labels.forEach(l::put);
        if (bucket != null) {
            w.put("bucket_percent", bucket);
        }
        if (soak != null) {
            w.put("soak", soak);
        }
        if (maxFailures != null) {
            w.put("max_failures", maxFailures);
        }
        return w;
    }
}
