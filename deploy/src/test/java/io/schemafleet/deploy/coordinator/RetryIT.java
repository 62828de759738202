package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.deploy.Resources;
import io.schemafleet.deploy.coordinator.CoordinatorFixture.Reply;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.fleet.TenantState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/tenants/{id}/retry} against a real coordinator (real Kafka and
 * PostgreSQL). Once it answers, a failed tenant counts as {@code behind}, not failed, so a
 * {@code watch} started right after a {@code retry} waits for the new try instead of
 * stopping at the old failure. Which failure a request clears is decided by the log, never
 * by clocks: a failure answering the request stands, even when the projection applies it
 * first and the agent's clock is behind; one answering no request is cleared, even when the
 * agent's clock is ahead. A retry that fails again shows as failed again, and names the
 * request it answers; a projection too late to apply the request still answers 202, the
 * request taking effect later.
 */
class RetryIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String BROKEN = "9a2355b7dd59";
    private static final TenantReport.Failure AUDIT_LOG_EXISTS = new TenantReport.Failure("sql_failed", BROKEN,
            "42P07", "relation \"audit_log\" already exists");

    @RegisterExtension
    final Resources resources = new Resources();
    private CoordinatorFixture coordinator;

    @Test
    void aFailedTenantCountsAsBehindOnceRetryAnswers() {
        // given: a failed tenant, a converged one, a blocked one and a dirty one
        coordinator = resources.add(new CoordinatorFixture("retry"));
        coordinator.start();
        Instant before = Instant.now().minusSeconds(60);
        report("r_failed", TenantState.FAILED, AUDIT_LOG_EXISTS, before);
        report("r_ok", TenantState.CONVERGED, null, before);
        report("r_blocked", TenantState.BLOCKED, new TenantReport.Failure("checksum_mismatch", BROKEN, null,
                "applied with another checksum"), before);
        report("r_dirty", TenantState.DIRTY, new TenantReport.Failure("dirty", BROKEN, null, "a step is pending"),
                before);
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/fleet").json().path("tenants").asLong() == 4);
        assertThat(byState()).containsEntry("failed", 1L);

        // when
        Reply retry = retry("r_failed");
        Reply blocked = retry("r_blocked");
        Reply dirty = retry("r_dirty");
        Reply converged = retry("r_ok");

        // then: read right after the answers, the failure is gone from the tenant and the counts
        assertThat(retry.json().path("applied").asBoolean()).as("%s", retry).isTrue();
        assertThat(blocked.json().path("applied").asBoolean()).as("%s", blocked).isTrue();
        // and each answer says what the retry did not do: only a failed tenant waits for one
        assertThat(retry.json().path("state").asText()).isEqualTo("behind");
        assertThat(retry.json().path("note").isNull()).as("%s", retry).isTrue();
        assertThat(blocked.json().path("state").asText()).isEqualTo("blocked");
        assertThat(blocked.json().path("note").asText()).startsWith("r_blocked is blocked (checksum_mismatch");
        assertThat(dirty.json().path("state").asText()).isEqualTo("dirty");
        assertThat(dirty.json().path("note").asText()).contains("schemafleet resolve --db URL --tenant r_dirty");
        assertThat(converged.json().path("note").asText()).isEqualTo("r_ok is converged, not failed: there was"
                + " nothing to retry");
        JsonNode tenant = coordinator.get("/api/tenants/r_failed").json();
        assertThat(tenant.path("tenant").path("state").asText()).isEqualTo("behind");
        assertThat(tenant.path("tenant").path("error").isNull()).as("%s", tenant).isTrue();
        assertThat(tenant.path("history").get(0).path("type").asText()).isEqualTo("tenant_retry_requested");
        assertThat(tenant.path("history").get(1).path("error").path("sqlstate").asText())
                .as("the failure stays in the history").isEqualTo("42P07");
        assertThat(byState()).doesNotContainKey("failed").containsEntry("behind", 1L)
                .containsEntry("blocked", 1L).containsEntry("converged", 1L).containsEntry("dirty", 1L);
        assertThat(coordinator.get("/api/tenants?state=failed").json().path("total").asLong()).isZero();
        // a retry does not unblock a tenant: its agent refuses it again until an operator fixes it
        assertThat(coordinator.get("/api/tenants/r_blocked").json().path("tenant").path("state").asText())
                .isEqualTo("blocked");
    }

    @Test
    void aFailureAnsweringTheRequestStandsEvenIfAppliedFirst() {
        // given: the report of a try that failed again, applied before the retry request that
        // caused it (they travel on different topics), from an agent whose clock is a minute behind
        coordinator = resources.add(new CoordinatorFixture("retry_order"));
        coordinator.start();
        Instant requested = Instant.now();
        long requestOffset = nextOffset(coordinator.topics.rollouts());
        report("r_again", TenantState.FAILED, AUDIT_LOG_EXISTS, requested.minusSeconds(60), requestOffset);
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/tenants/r_again").status() == 200);

        // when
        long written = coordinator.produce(new TenantRetryRequested("r_again", "ops", requested), "user:ops");

        // then
        assertThat(written).as("the request landed where the report said").isEqualTo(requestOffset);
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/tenants/r_again").json().path("history").size() == 2);
        assertThat(coordinator.get("/api/tenants/r_again").json().path("tenant").path("state").asText())
                .isEqualTo("failed");
        assertThat(byState()).containsEntry("failed", 1L).doesNotContainKey("behind");
    }

    @Test
    void aFailureAnsweringNoRequestIsClearedWhateverTheAgentsClock() {
        // given: two failures from an agent whose clock is an hour ahead: one answering no
        // request, one answering an older request than the next
        coordinator = resources.add(new CoordinatorFixture("retry_clock"));
        coordinator.start();
        Instant ahead = Instant.now().plus(Duration.ofHours(1));
        long older = coordinator.produce(new TenantRetryRequested("r_older", "ops", Instant.now()), "user:ops");
        report("r_fresh", TenantState.FAILED, AUDIT_LOG_EXISTS, ahead, null);
        report("r_older", TenantState.FAILED, AUDIT_LOG_EXISTS, ahead, older);
        await().atMost(DEADLINE).until(() -> byState().getOrDefault("failed", 0L) == 2);

        // when
        Reply fresh = retry("r_fresh");
        Reply again = retry("r_older");

        // then: both cleared, though each failure's time is after its request's
        assertThat(fresh.json().path("applied").asBoolean()).as("%s", fresh).isTrue();
        assertThat(again.json().path("applied").asBoolean()).as("%s", again).isTrue();
        assertThat(state("r_fresh")).isEqualTo("behind");
        assertThat(state("r_older")).isEqualTo("behind");
        assertThat(byState()).doesNotContainKey("failed").containsEntry("behind", 2L);
    }

    @Test
    void aRetriedTenantShowsItsAgentsNewTry() throws Exception {
        // given: an agent with two tenants that fail at the audit_log revision
        coordinator = resources.add(new CoordinatorFixture("retry_agent"));
        coordinator.start();
        TestDatabase db = resources.add(TestDatabase.create("retry"));
        db.execute("CREATE SCHEMA rt_fixed; CREATE SCHEMA rt_broken; CREATE TABLE rt_fixed.audit_log (id int);"
                + " CREATE TABLE rt_broken.audit_log (id int)");
        AgentLoop agent = coordinator.startAgent(resources, db.url(), "rt_%", 2, ApplyOptions.defaults("retry-agent"));
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                .status()).isEqualTo(201);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> byState().get("failed"),
                n -> n != null && n == 2);

        // when: one is fixed and retried
        db.execute("DROP TABLE rt_fixed.audit_log");
        Reply fixed = retry("rt_fixed");

        // then: from the answer on it is not failed (its new try cannot fail), and the fleet counts one failure
        assertThat(fixed.json().path("applied").asBoolean()).as("%s", fixed).isTrue();
        assertThat(coordinator.get("/api/tenants/rt_fixed").json().path("tenant").path("state").asText())
                .isIn("behind", "applying", "converged");
        assertThat(byState()).containsEntry("failed", 1L);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> state("rt_fixed"), "converged"::equals);

        // when: the other is retried as it is
        retry("rt_broken");

        // then: its agent's new try, failed exactly as before, is reported and shows
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode history = coordinator.get("/api/tenants/rt_broken").json().path("history");
            assertThat(history.get(0).path("type").asText()).isEqualTo("tenant_report");
            assertThat(history.get(0).path("state").asText()).isEqualTo("failed");
            assertThat(history.get(1).path("type").asText()).isEqualTo("tenant_retry_requested");
        });
        assertThat(state("rt_broken")).isEqualTo("failed");
        assertThat(byState()).containsEntry("failed", 1L).containsEntry("converged", 1L);
        // and the agent's report names the request it answers, by its place in the rollouts topic
        assertThat(answeredOffset("rt_broken")).isEqualTo(requestOffset("rt_broken"));
        // and one request is one more try: over the agent's next passes (every 2 s) the tenant is not tried again
        List<String> failures = db.query("SELECT count(*) FROM rt_broken.schemafleet_history WHERE outcome = 'failed'");
        double passes = passes(agent);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> passes(agent) >= passes + 3);
        assertThat(db.query("SELECT count(*) FROM rt_broken.schemafleet_history WHERE outcome = 'failed'"))
                .as("failed tries in the tenant's own history").isEqualTo(failures);
    }

    /** The agent's reconcile passes so far, as its metrics say. */
    private static double passes(AgentLoop agent) {
        return agent.metrics().scrape().lines().filter(l -> l.startsWith("schemafleet_agent_reconcile_passes_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aRetryWhileTheTenantsRolloutIsPausedIsRefusedAndTheFailureKeepsShowing() {
        // given: a failed tenant under a paused rollout (its one wave soaks for an hour: it never completes here)
        coordinator = resources.add(new CoordinatorFixture("retry_paused"));
        coordinator.start();
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        Reply rollout = coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head")
                .set("waves", CoordinatorFixture.JSON.createArrayNode().add(CoordinatorFixture.JSON.createObjectNode()
                        .put("name", "all").put("bucket_percent", "100%").put("soak", "1h"))));
        assertThat(rollout.status()).as("%s", rollout).isEqualTo(201);
        String rolloutId = rollout.json().path("rollout_id").asText();
        coordinator.produce(new TenantReport("r_held", "a1", List.of(), TenantState.FAILED, "head", rolloutId,
                List.of(), AUDIT_LOG_EXISTS, null, 1, Instant.now(), Map.of(), null, null), "agent:a1");
        report("r_free", TenantState.FAILED, AUDIT_LOG_EXISTS, Instant.now().minusSeconds(60));
        await().atMost(DEADLINE).until(() -> byState().getOrDefault("failed", 0L) == 2);
        assertThat(coordinator.post("/api/rollouts/" + rolloutId + "/pause", CoordinatorFixture.JSON.createObjectNode())
                .status()).isEqualTo(200);

        // when
        Reply held = coordinator.post("/api/tenants/r_held/retry", CoordinatorFixture.JSON.createObjectNode());
        Reply free = retry("r_free");

        // then: its agent would hold the retry until the resume; refused, the failure keeps showing
        assertThat(held.status()).as("%s", held).isEqualTo(409);
        assertThat(held.json().at("/error/type").asText()).isEqualTo("RolloutPaused");
        assertThat(held.json().at("/error/message").asText()).isEqualTo("rollout " + rolloutId + " is paused, and"
                + " r_held's agent starts no step for it until the rollout is resumed: resume it (schemafleet rollout"
                + " resume " + rolloutId + "), then retry r_held");
        JsonNode tenant = coordinator.get("/api/tenants/r_held").json();
        assertThat(tenant.path("tenant").path("state").asText()).isEqualTo("failed");
        assertThat(tenant.path("tenant").path("error").path("sqlstate").asText()).isEqualTo("42P07");
        assertThat(tenant.path("history").get(0).path("type").asText()).isEqualTo("tenant_report");
        // a tenant the paused rollout does not hold (it reported under no rollout) is retried as ever
        assertThat(free.json().path("state").asText()).as("%s", free).isEqualTo("behind");
    }

    @Test
    void aRetryTheProjectionIsTooLateForStillSucceeds() {
        // given: a failed tenant, and a projection that stopped
        coordinator = resources.add(new CoordinatorFixture("retry_late"));
        coordinator.start(Map.of("schemafleet.await-projection", "1s", "schemafleet.rollout-tick", "1h"));
        report("r_late", TenantState.FAILED, AUDIT_LOG_EXISTS, Instant.now().minusSeconds(60));
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/tenants/r_late").status() == 200);
        coordinator.context().getBean(Projection.class).close();

        // when
        Reply retry = retry("r_late");

        // then: accepted, and said not to be applied yet
        assertThat(retry.json().path("applied").asBoolean(true)).as("%s", retry).isFalse();
        assertThat(retry.json().path("event_id").asText()).isNotBlank();
        assertThat(state("r_late")).isEqualTo("failed");

        // and: the request is in the log: a coordinator that reads it shows it
        coordinator.stop();
        coordinator.start();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> state("r_late"), "behind"::equals);
        assertThat(coordinator.get("/api/tenants/r_late").json().path("history").get(0).path("type").asText())
                .isEqualTo("tenant_retry_requested");
    }

    private void report(String tenant, TenantState state, TenantReport.Failure error, Instant at) {
        report(tenant, state, error, at, null);
    }

    private void report(String tenant, TenantState state, TenantReport.Failure error, Instant at, Long retryOffset) {
        coordinator.produce(new TenantReport(tenant, "a1", List.of(), state, "head", null, List.of(), error, null, 1,
                at, Map.of(), null, retryOffset), "agent:a1");
    }

    /** Where the next record written to {@code topic} (one partition) will be. */
    private long nextOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, coordinator.bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    private long answeredOffset(String tenant) throws SQLException {
        return single("SELECT retry_offset FROM tenants WHERE id = ?", tenant);
    }

    private long requestOffset(String tenant) throws SQLException {
        return single("SELECT \"offset\" FROM tenant_events WHERE tenant = ? AND type = 'tenant_retry_requested'"
                + " ORDER BY \"offset\" DESC LIMIT 1", tenant);
    }

    private long single(String sql, String tenant) throws SQLException {
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("%s for %s", sql, tenant).isTrue();
                long value = rs.getLong(1);
                assertThat(rs.wasNull()).as("%s for %s is null", sql, tenant).isFalse();
                return value;
            }
        }
    }

    private Reply retry(String tenant) {
        Reply reply = coordinator.post("/api/tenants/" + tenant + "/retry", CoordinatorFixture.JSON.createObjectNode());
        assertThat(reply.status()).as("%s", reply).isEqualTo(202);
        return reply;
    }

    private String state(String tenant) {
        return coordinator.get("/api/tenants/" + tenant).json().path("tenant").path("state").asText();
    }

    private Map<String, Long> byState() {
        Map<String, Long> out = new java.util.TreeMap<>();
        coordinator.get("/api/fleet").json().path("by_state").fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
