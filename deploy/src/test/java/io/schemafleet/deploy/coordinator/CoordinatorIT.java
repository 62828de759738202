package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.jdbc.DataSourceResolver;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.deploy.PrometheusText;
import io.schemafleet.deploy.coordinator.CoordinatorFixture.Reply;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The coordinator against a real Kafka broker and a real PostgreSQL: publishing
 * revisions over HTTP, starting a rollout, projecting agents' reports into the fleet
 * view, skipping poison records, and rebuilding the same state from the log alone.
 */
class CoordinatorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final List<String> EXAMPLE_ORDER = RevisionDirectory.loadValid(CoordinatorFixture.EXAMPLES)
            .revisions().stream().map(r -> r.id()).toList();
    private static final String HEAD = "c8626eb4ecaa";
    private static final String MID = "5e656b9e303b";

    private CoordinatorFixture fixture;

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void itsDatabaseConnectionsGiveUpOnASilentServerAfterTenMinutes() throws Exception {
        fixture = new CoordinatorFixture("read_timeout");
        fixture.start();

        DataSource pool = fixture.context().getBean(DataSourceResolver.class)
                .resolve(fixture.context().getBean(DataSource.class));
        try (Connection c = pool.getConnection()) {
            assertThat(c.getNetworkTimeout()).as("socketTimeout of a pooled connection, ms").isEqualTo(600_000);
        }
    }

    @Test
    void publishesRevisionsOnceAndRefusesChangesAndBrokenGraphs() {
        // given
        fixture = new CoordinatorFixture("publish");
        fixture.start();
        Map<String, String> examples = CoordinatorFixture.exampleFiles();

        // when
        Reply first = fixture.post("/api/revisions", CoordinatorFixture.filesBody(examples));
        Reply again = fixture.post("/api/revisions", CoordinatorFixture.filesBody(examples));

        // then
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        assertThat(ids(first.json().get("published"))).containsExactlyElementsOf(EXAMPLE_ORDER);
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.json().get("published")).isEmpty();
        assertThat(ids(again.json().get("unchanged"))).containsExactlyElementsOf(EXAMPLE_ORDER);
        Reply listed = fixture.get("/api/revisions");
        assertThat(listed.status()).isEqualTo(200);
        List<String> listedIds = new ArrayList<>();
        listed.json().get("revisions").forEach(r -> listedIds.add(r.get("revision").asText()));
        assertThat(listedIds).containsExactlyElementsOf(EXAMPLE_ORDER);
        assertThat(ids(listed.json().get("heads"))).containsExactly(HEAD);

        // a published revision whose content changed: 409, naming the file
        String name = examples.keySet().stream().filter(n -> n.startsWith(MID)).findFirst().orElseThrow();
        Reply changed = fixture.post("/api/revisions", CoordinatorFixture.filesBody(
                Map.of(name, examples.get(name).replace("-- +downgrade", "SELECT 1;\n-- +downgrade"))));
        assertThat(changed.status()).as("%s", changed).isEqualTo(409);
        assertThat(changed.json().at("/error/type").asText()).isEqualTo("RevisionConflict");
        assertThat(changed.json().at("/error/message").asText()).startsWith(name + ":1: revision " + MID);

        // an unknown parent: 400, naming file and line
        Reply orphan = fixture.post("/api/revisions", CoordinatorFixture.filesBody(Map.of("aa01_orphan.sql",
                "-- revision: aa01\n-- down_revision: 0000deadbeef\n-- message: orphan\n-- +upgrade\nSELECT 1;\n")));
        assertThat(orphan.status()).as("%s", orphan).isEqualTo(400);
        assertThat(orphan.json().at("/error/type").asText()).isEqualTo("RevisionError");
        assertThat(orphan.json().at("/error/message").asText())
                .isEqualTo("aa01_orphan.sql:2: Revision 0000deadbeef referenced from aa01 is not present");

        // a file that does not parse: 400, naming file and line
        Reply garbled = fixture.post("/api/revisions", CoordinatorFixture.filesBody(Map.of("bb02_bad.sql",
                "-- revision: bb02\n-- down_revision: " + HEAD + "\n-- colour: blue\n-- +upgrade\n")));
        assertThat(garbled.status()).as("%s", garbled).isEqualTo(400);
        assertThat(garbled.json().at("/error/type").asText()).isEqualTo("RevisionFileError");
        assertThat(garbled.json().at("/error/message").asText()).startsWith("bb02_bad.sql:3: ");

        // a name that is not a plain <id>_<slug>.sql for its revision: 400, naming the file and the rule
        String traversal = "../../etc/ab0000000006_a.sql";
        String misnamed = "ab0000000007_a.sql";
        String content = "-- revision: ab0000000006\n-- down_revision: " + HEAD + "\n-- +upgrade\nSELECT 1;\n";
        Reply badNames = fixture.post("/api/revisions", CoordinatorFixture.filesBody(new java.util.TreeMap<>(Map.of(
                traversal, content, misnamed, content))));
        assertThat(badNames.status()).as("%s", badNames).isEqualTo(400);
        assertThat(badNames.json().at("/error/type").asText()).isEqualTo("RevisionFileError");
        assertThat(badNames.json().at("/error/message").asText()).isEqualTo(traversal + ":1: file name '" + traversal
                + "' is not a plain file name: it may not contain '/' or '\\' (expected 'ab0000000006_<slug>.sql' or"
                + " 'ab0000000006.sql')\n" + misnamed + ":1: file name '" + misnamed + "' does not match its revision id"
                + " 'ab0000000006' (expected 'ab0000000006_<slug>.sql' or 'ab0000000006.sql')");

        // a new transactional revision holding a statement PostgreSQL refuses in a transaction: 400 at its line
        String cic = "-- revision: cc0000000008\n-- down_revision: " + HEAD + "\n-- +upgrade\n"
                + "CREATE INDEX CONCURRENTLY ix ON users (email);\n-- +downgrade\nDROP INDEX ix;\n";
        Reply unrunnable = fixture.post("/api/revisions", CoordinatorFixture.filesBody(Map.of("cc0000000008_ix.sql",
                cic)));
        assertThat(unrunnable.status()).as("%s", unrunnable).isEqualTo(400);
        assertThat(unrunnable.json().at("/error/message").asText()).startsWith("cc0000000008_ix.sql:4: CREATE INDEX"
                + " CONCURRENTLY cannot run inside a transaction block");

        // nothing of the refused requests reached the log
        assertThat(fixture.get("/api/revisions").json().get("revisions")).hasSize(EXAMPLE_ORDER.size());

        // but one that is published already (before this check existed) is sent again with its directory, unchanged
        RevisionFile old = RevisionFile.parse(Path.of("cc0000000008_ix.sql"), cic);
        fixture.produce(new RevisionPublished(old.revision(), old.revision().checksum()), "coordinator");
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.get("/api/revisions").json().get("revisions").size()
                == EXAMPLE_ORDER.size() + 1);
        Map<String, String> withIt = new java.util.TreeMap<>(examples);
        withIt.put("cc0000000008_ix.sql", cic);
        Reply republished = fixture.post("/api/revisions", CoordinatorFixture.filesBody(withIt));
        assertThat(republished.status()).as("%s", republished).isEqualTo(200);
        assertThat(ids(republished.json().get("unchanged"))).contains("cc0000000008");

        // a rollout needs a destination that resolves
        Reply unknown = fixture.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "nosuch"));
        assertThat(unknown.status()).as("%s", unknown).isEqualTo(400);
        assertThat(unknown.json().at("/error/type").asText()).isEqualTo("ResolutionError");
    }

    @Test
    void aPublishTheProjectionIsTooLateForSaysItIsWrittenAndTakesEffect() {
        // given: a projection that stopped after applying a first publish
        fixture = new CoordinatorFixture("publish_late");
        fixture.start(Map.of("schemafleet.await-projection", "1s"));
        Map<String, String> examples = CoordinatorFixture.exampleFiles();
        String root = "801b86be184b"; // the examples' base
        Reply first = fixture.post("/api/revisions", CoordinatorFixture.filesBody(
                CoordinatorFixture.only(examples, List.of(root))));
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        fixture.context().getBean(Projection.class).close();

        // when
        Reply late = fixture.post("/api/revisions", CoordinatorFixture.filesBody(examples));

        // then: 503, saying the revisions are written and not to send them again
        assertThat(late.status()).as("%s", late).isEqualTo(503);
        assertThat(late.json().path("error").path("message").asText())
                .contains("are written to " + fixture.topics.revisions() + " but not applied yet")
                .contains("do not send them again");

        // and: a coordinator that reads the log lists them
        fixture.stop();
        fixture.start();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(fixture.get("/api/revisions").json().path("revisions").findValuesAsText("revision"))
                        .containsExactlyInAnyOrderElementsOf(EXAMPLE_ORDER));
    }

    @Test
    void aCoordinatorFencedByAnotherWithItsProducerIdStopsWritingAndDoesNotFenceItBack() {
        // given: a second coordinator on the same topics with the same producer id, started after the first
        fixture = new CoordinatorFixture("fenced");
        fixture.start();
        Map<String, String> examples = CoordinatorFixture.exampleFiles();
        String producerId = fixture.producerId();
        assertThat(producerId).as("the default, after the topic prefix").isEqualTo(fixture.topics.prefix()
                + "-coordinator");
        try (CoordinatorFixture twin = fixture.mirror().with("schemafleet.producer-id", producerId)) {
            twin.start();

            // when: the first one writes, twice
            Reply fenced = fixture.post("/api/revisions", CoordinatorFixture.filesBody(examples));
            Reply again = fixture.post("/api/revisions", CoordinatorFixture.filesBody(examples));

            // then: refused, saying why, and without taking the id back: the second one still writes
            assertThat(fenced.status()).as("%s", fenced).isEqualTo(503);
            assertThat(fenced.json().path("error").path("message").asText())
                    .contains("another coordinator with producer id " + producerId + " took over");
            assertThat(again.status()).as("%s", again).isEqualTo(503);
            Reply twinWrites = twin.post("/api/revisions", CoordinatorFixture.filesBody(examples));
            assertThat(twinWrites.status()).as("the second coordinator's write: %s", twinWrites).isEqualTo(201);

            // and: the first one is unready (out of service) but alive (not restarted), the second one ready
            Reply health = fixture.get("/health");
            assertThat(health.status()).as("GET /health of the fenced one: %s", health).isEqualTo(503);
            assertThat(health.json().path("details").path("writer").path("status").asText()).isEqualTo("DOWN");
            assertThat(fixture.get("/health/liveness").status()).as("its liveness").isEqualTo(200);
            assertThat(twin.get("/health").status()).as("GET /health of the other").isEqualTo(200);
        }
    }

    @Test
    void projectsReportsSkipsPoisonAndRebuildsTheSameStateFromTheLog() throws Exception {
        // given: the examples published, a rollout to head
        Instant testStarted = Instant.now();
        fixture = new CoordinatorFixture("projection");
        fixture.start();
        assertThat(fixture.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        Reply rollout = fixture.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"));
        assertThat(rollout.status()).as("%s", rollout).isEqualTo(201);
        String rolloutId = rollout.json().get("rollout_id").asText();
        Reply fleet = fixture.get("/api/fleet");
        assertThat(fleet.json().get("destination").asText()).isEqualTo("head");
        assertThat(fleet.json().get("rollout").asText()).isEqualTo(rolloutId);
        assertThat(ids(fleet.json().get("destination_heads"))).containsExactly(HEAD);

        // when: agents report 30 tenants (20 reach head, 10 fail on the way), with poison in every topic
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        fixture.produce(new AgentHeartbeat("a1", 30, t0, t0, "0.1.0"), "agent:a1");
        for (int i = 0; i < 30; i++) {
            String tenant = String.format("t%02d", i);
            fixture.produce(report(tenant, List.of(MID), TenantState.APPLYING, rolloutId, null, t0.plusSeconds(i)),
                    "agent:a1");
        }
        poisonEveryTopic();
        for (int i = 0; i < 30; i++) {
            String tenant = String.format("t%02d", i);
            boolean fails = i >= 20;
            TenantReport.Failure error = fails ? new TenantReport.Failure("sql_failed", "9a2355b7dd59", "42P07",
                    "relation \"audit_log\" already exists") : null;
            fixture.produce(report(tenant, List.of(fails ? MID : HEAD), fails ? TenantState.FAILED
                    : TenantState.CONVERGED, rolloutId, error, t0.plusSeconds(100 + i)), "agent:a1");
        }
        fixture.produce(new AgentHeartbeat("a2", 0, t0, t0.plusSeconds(200), "0.1.0"), "agent:a2");

        // then
        await().atMost(DEADLINE).untilAsserted(() -> {
            JsonNode f = fixture.get("/api/fleet").json();
            assertThat(f.get("tenants").asLong()).isEqualTo(30);
            assertThat(f.get("converged").asLong()).isEqualTo(20);
            assertThat(f.get("agents").asLong()).isEqualTo(2);
        });
        // Every tenant has settled (converged or failed): the rollout engine completes the rollout
        // at its next tick. Compare a settled state, not one the engine is about to change.
        await().atMost(DEADLINE).until(() -> fixture.get("/api/fleet").json().path("rollout_state").asText()
                .equals("completed"));
        JsonNode before = fixture.get("/api/fleet").json();
        assertThat(before.get("by_state")).isEqualTo(json("{\"converged\":20,\"failed\":10}"));
        assertThat(before.get("by_heads")).isEqualTo(json("{\"" + MID + "\":10,\"" + HEAD + "\":20}"));
        assertThat(before.get("poison_records").asLong()).isEqualTo(7);

        Reply failed = fixture.get("/api/tenants?state=failed&size=5&page=1");
        assertThat(failed.json().get("total").asLong()).isEqualTo(10);
        assertThat(failed.json().get("tenants")).hasSize(5);
        assertThat(failed.json().at("/tenants/0/id").asText()).isEqualTo("t25");
        assertThat(fixture.get("/api/tenants?heads=" + HEAD).json().get("total").asLong()).isEqualTo(20);

        Reply t27 = fixture.get("/api/tenants/t27");
        assertThat(t27.status()).isEqualTo(200);
        assertThat(t27.json().at("/tenant/state").asText()).isEqualTo("failed");
        assertThat(t27.json().at("/tenant/error/sqlstate").asText()).isEqualTo("42P07");
        assertThat(t27.json().at("/tenant/last_report_at").asText()).isEqualTo("2026-01-01T00:02:07Z");
        assertThat(t27.json().get("history")).hasSize(2);
        assertThat(t27.json().at("/history/0/state").asText()).isEqualTo("failed");
        assertThat(t27.json().at("/history/1/steps/0/revision").asText()).isEqualTo(MID);
        assertThat(fixture.get("/api/tenants/nobody").status()).isEqualTo(404);
        JsonNode agents = fixture.get("/api/agents").json().get("agents");
        assertThat(agents).hasSize(2);
        assertThat(agents.at("/1/last_heartbeat_at").asText()).isEqualTo("2026-01-01T00:03:20Z");
        // the agent's clock says years ago; its age is read from when the broker took the heartbeat
        assertThat(Instant.parse(agents.at("/1/heard_at").asText()))
                .isBetween(testStarted.minusSeconds(60), Instant.now().plusSeconds(60));

        // and when: the coordinator restarts with its tables gone
        JsonNode revisionsBefore = fixture.get("/api/revisions").json();
        List<JsonNode> tenantsBefore = List.of(t27.json(), fixture.get("/api/tenants/t03").json());
        fixture.stop();
        fixture.dropTables();
        fixture.start();

        // then: the log gives back the same answers (once the projection has replayed it: the
        // HTTP server may answer before the first batch is committed)
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(fixture.get("/api/fleet").json()).isEqualTo(before));
        assertThat(fixture.get("/api/revisions").json()).isEqualTo(revisionsBefore);
        assertThat(List.of(fixture.get("/api/tenants/t27").json(), fixture.get("/api/tenants/t03").json()))
                .isEqualTo(tenantsBefore);

        // and records after the poison keep flowing
        fixture.produce(report("t30", List.of(HEAD), TenantState.CONVERGED, rolloutId, null, t0.plusSeconds(300)),
                "agent:a2");
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(fixture.get("/api/fleet").json().get("converged").asLong()).isEqualTo(21));
    }

    /**
     * A step that names its history row counts once, however often it is reported: as it
     * commits and again in the tenant's final report, in a record delivered twice, sent again
     * by a restarted agent. A row of tables made again (its id again, another start) is another
     * step. A step that names no row (an agent before history ids) counts in its applying
     * report only. The projection's {@code tenant_steps} and the step metric agree.
     */
    @Test
    void aStepCountsOnceHoweverOftenItIsReported() throws Exception {
        fixture = new CoordinatorFixture("steps_once");
        fixture.start();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        TenantReport.Step first = new TenantReport.Step(MID, Direction.UPGRADE, 12, 1L, t0.plusNanos(123_456_000));
        TenantReport.Step second = new TenantReport.Step(HEAD, Direction.UPGRADE, 7, 2L, t0.plusSeconds(1));
        TenantReport.Step madeAgain = new TenantReport.Step(MID, Direction.UPGRADE, 9, 1L, t0.plusSeconds(60));
        TenantReport.Step unnamed = new TenantReport.Step(MID, Direction.UPGRADE, 5);

        TenantReport applying = stepsReport("s1", TenantState.APPLYING, List.of(first), t0.plusSeconds(1));
        fixture.produce(applying, "agent:a1");
        fixture.produce(applying, "agent:a1"); // delivered twice
        fixture.produce(stepsReport("s1", TenantState.APPLYING, List.of(second), t0.plusSeconds(2)), "agent:a1");
        fixture.produce(stepsReport("s1", TenantState.CONVERGED, List.of(first, second), t0.plusSeconds(3)),
                "agent:a1");
        fixture.produce(stepsReport("s1", TenantState.CONVERGED, List.of(first, second), t0.plusSeconds(4)),
                "agent:a1"); // a restarted agent sends its recent steps again
        fixture.produce(stepsReport("s1", TenantState.APPLYING, List.of(madeAgain), t0.plusSeconds(61)), "agent:a1");
        fixture.produce(stepsReport("s2", TenantState.APPLYING, List.of(unnamed), t0.plusSeconds(5)), "agent:a1");
        fixture.produce(stepsReport("s2", TenantState.CONVERGED, List.of(unnamed), t0.plusSeconds(6)), "agent:a1");

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(fixture.get("/api/tenants/s2?history=10").json()
                .path("history")).hasSize(2));
        List<String> counted = new ArrayList<>();
        try (Connection c = java.sql.DriverManager.getConnection(fixture.dbUrl);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT tenant, history_id, started_at,"
                     + " revision, duration_ms FROM tenant_steps ORDER BY partition, \"offset\", history_id")) {
            while (rs.next()) {
                counted.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getTimestamp(3).toInstant() + " "
                        + rs.getString(4) + " " + rs.getLong(5));
            }
        }
        assertThat(counted).containsExactly("s1 1 " + first.startedAt() + " " + MID + " 12",
                "s1 2 " + second.startedAt() + " " + HEAD + " 7", "s1 1 " + madeAgain.startedAt() + " " + MID + " 9");
        await().atMost(DEADLINE).untilAsserted(() -> {
            PrometheusText metrics = fixture.readOnly().scrape();
            assertThat(metrics.sum("schemafleet_step_duration_seconds_count", "revision", MID)).isEqualTo(3);
            assertThat(metrics.sum("schemafleet_step_duration_seconds_count", "revision", HEAD)).isEqualTo(1);
        });
    }

    private static TenantReport stepsReport(String tenant, TenantState state, List<TenantReport.Step> steps,
                                            Instant at) {
        List<String> heads = List.of(steps.get(steps.size() - 1).revision());
        return new TenantReport(tenant, "a1", heads, state, "head", null, steps, null, null, 1, at);
    }

    /** Garbage and an unknown schema version on each topic, and an event on the wrong topic: 7 records. */
    private void poisonEveryTopic() {
        byte[] garbage = {0, (byte) 0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};
        ObjectNode future = (ObjectNode) json(new String(EventCodec.encode(Envelopes.of(
                new AgentHeartbeat("a9", 1, Instant.EPOCH, Instant.EPOCH, "9.9"), "agent:a9")), StandardCharsets.UTF_8));
        future.put("schema", 2);
        byte[] unknownSchema = future.toString().getBytes(StandardCharsets.UTF_8);
        for (String topic : List.of(fixture.topics.revisions(), fixture.topics.rollouts(), fixture.topics.reports())) {
            fixture.raw(topic, "poison", garbage);
            fixture.raw(topic, "poison", unknownSchema);
        }
        byte[] misplaced = EventCodec.encode(Envelopes.of(
                new AgentHeartbeat("a8", 1, Instant.EPOCH, Instant.EPOCH, "9.9"), "agent:a8"));
        fixture.raw(fixture.topics.rollouts(), "agent:a8", misplaced);
    }

    private static TenantReport report(String tenant, List<String> heads, TenantState state, String rolloutId,
                                       TenantReport.Failure error, Instant at) {
        List<TenantReport.Step> steps = state == TenantState.APPLYING
                ? List.of(new TenantReport.Step(MID, Direction.UPGRADE, 12)) : List.of();
        return new TenantReport(tenant, "a1", heads, state, "head", rolloutId, steps, error, null, 1, at);
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return CoordinatorFixture.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
