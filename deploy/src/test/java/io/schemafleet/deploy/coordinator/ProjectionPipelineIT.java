package io.schemafleet.deploy.coordinator;

import io.schemafleet.deploy.Resources;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projection writes two batches at once and commits them in log order. Over a backlog
 * of many small batches in which every tenant reports once per round, each tenant ends at
 * its last report and every report is in its history once; and when a batch fails, the
 * batch written beside it rolls back with it, so the retry loses and repeats nothing.
 */
class ProjectionPipelineIT {
    private static final int TENANTS = 600;
    private static final int ROUNDS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Small polls: a backlog of many batches, one tenant's reports in consecutive ones. */
    private static final Map<String, Object> SMALL_BATCHES = Map.of(
            "schemafleet.kafka-properties.max.poll.records", "150");
    private static final String FAILING = tenant(TENANTS / 2);

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void everyTenantEndsAtItsLastReportAndEveryReportIsInItsHistoryOnce() throws Exception {
        CoordinatorFixture coordinator = stopped("pipeline");
        produceRounds(coordinator);
        coordinator.start(SMALL_BATCHES);
        awaitProjected(coordinator);
        assertProjectedOnce(coordinator);
    }

    @Test
    void aFailedBatchTakesTheBatchBesideItBackAndTheRetryLosesNothing() throws Exception {
        CoordinatorFixture coordinator = stopped("pipefail");
        // One failure, once: the sequence is not rolled back with the transaction that fails.
        sql(coordinator, "CREATE SEQUENCE test_failures;"
                + " CREATE FUNCTION test_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.id = '" + FAILING + "' AND NEW.attempts = 2 THEN"
                + "   IF nextval('test_failures') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF;"
                + " END IF; RETURN NEW; END $$;"
                + " CREATE TRIGGER test_fail_once BEFORE INSERT OR UPDATE ON tenants"
                + " FOR EACH ROW EXECUTE FUNCTION test_fail_once()");
        produceRounds(coordinator);
        coordinator.start(SMALL_BATCHES);
        awaitProjected(coordinator);
        assertThat(longOf(coordinator, "SELECT last_value FROM test_failures")).as("the failure was injected")
                .isPositive();
        assertProjectedOnce(coordinator);
    }

    /**
     * A coordinator started once, to create its topics and tables, and stopped: what is
     * produced next waits for it as a backlog.
     */
    private CoordinatorFixture stopped(String test) {
        CoordinatorFixture coordinator = resources.add(new CoordinatorFixture(test));
        coordinator.start(SMALL_BATCHES);
        coordinator.stop();
        return coordinator;
    }

    /** Round r of every tenant, then round r + 1: attempts counts the rounds, the last is converged. */
    private static void produceRounds(CoordinatorFixture coordinator) {
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        List<TenantReport> reports = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            TenantState state = round == ROUNDS ? TenantState.CONVERGED : TenantState.APPLYING;
            for (int t = 0; t < TENANTS; t++) {
                reports.add(new TenantReport(tenant(t), "pp-agent", List.of(), state, "head", null, List.of(), null,
                        null, round, at.plusSeconds(round)));
            }
        }
        coordinator.produceAll(reports, "agent:pp-agent");
    }

    private static void awaitProjected(CoordinatorFixture coordinator) {
        String reports = coordinator.topics.reports();
        await().atMost(DEADLINE).until(() -> longOf(coordinator,
                "SELECT coalesce(sum(next_offset), 0) FROM consumed_offsets WHERE topic = '" + reports + "'")
                == (long) TENANTS * ROUNDS);
    }

    private static void assertProjectedOnce(CoordinatorFixture coordinator) throws SQLException {
        assertThat(longOf(coordinator, "SELECT count(*) FROM tenants WHERE attempts = " + ROUNDS
                + " AND state = 'converged'")).as("tenants at their last report").isEqualTo(TENANTS);
        assertThat(longOf(coordinator, "SELECT count(*) FROM tenants")).isEqualTo(TENANTS);
        assertThat(longOf(coordinator, "SELECT count(*) FROM tenant_events")).as("history rows")
                .isEqualTo((long) TENANTS * ROUNDS);
        assertThat(longOf(coordinator, "SELECT count(*) FROM (SELECT tenant FROM tenant_events GROUP BY tenant"
                + " HAVING count(*) <> " + ROUNDS + " OR count(DISTINCT at) <> " + ROUNDS + ") odd"))
                .as("tenants whose history lacks or repeats a round").isZero();
        assertThat(longOf(coordinator, "SELECT coalesce(sum(tenants), 0) FROM fleet_counts WHERE state = 'converged'"))
                .as("the fleet's counts").isEqualTo(TENANTS);
    }

    private static String tenant(int t) {
        return String.format(Locale.ROOT, "pp_%04d", t);
    }

    private static long longOf(CoordinatorFixture coordinator, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(CoordinatorFixture coordinator, String statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }
}
