package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.schemafleet.agent.apply.FleetRevisions.rev;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Connections killed mid-step, interrupted non-transactional steps, operator resolution. */
class FaultsIT {
    /** A step slow enough to be caught running; its SQL carries a marker to find it in pg_stat_activity. */
    private static final String SLOW = "SELECT pg_sleep(1.5) /* schemafleet-fault-marker */";

    private TestDatabase db;
    private AgentFixture fixture;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("faults");
        fixture = new AgentFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        db.close();
    }

    @Test
    void aConnectionKilledMidStepIsRetriedAndTheTenantConverges() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("a1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("a2", List.of("a1"), List.of(), List.of(), true,
                        "ALTER TABLE t ADD COLUMN c int; " + SLOW + ";", "ALTER TABLE t DROP COLUMN c;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, AgentFixture.options("agent-a"),
                new DdlThrottle(1), Fingerprinter.NONE);

        CompletableFuture<TenantResult> running = CompletableFuture.supplyAsync(() -> reconciler.reconcile(tenant, "a2"));
        int killed = killWhenRunning();
        TenantResult result = running.get();

        assertThat(killed).isEqualTo(1);
        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(fixture.rows(tenant)).containsExactly("a2");
        List<HistoryRow> history = fixture.history(tenant);
        assertThat(history).filteredOn(r -> r.outcome() == HistoryOutcome.APPLIED).extracting(HistoryRow::revision)
                .containsExactly("a1", "a2");
    }

    @Test
    void anInterruptedNonTransactionalStepLeavesTheTenantDirtyUntilResolved() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("n1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("n2", List.of("n1"), List.of(), List.of(), false,
                        SLOW + "; CREATE INDEX CONCURRENTLY ix_t_id ON t (id);", "DROP INDEX CONCURRENTLY ix_t_id;"),
                rev("n3", List.of("n2"), List.of(), List.of(), true, "ALTER TABLE t ADD COLUMN c int;", "")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        ApplyOptions options = AgentFixture.options("agent-a");
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, options, new DdlThrottle(1),
                Fingerprinter.NONE);

        CompletableFuture<TenantResult> running = CompletableFuture.supplyAsync(() -> reconciler.reconcile(tenant, "n3"));
        killWhenRunning();
        TenantResult dirty = running.get();

        assertThat(dirty.state()).isEqualTo(TenantState.DIRTY);
        assertThat(dirty.error().revision()).isEqualTo("n2");
        assertThat(dirty.error().message()).contains("resolve");
        assertThat(fixture.rows(tenant)).containsExactly("n1");
        assertThat(reconciler.reconcile(tenant, "n3").state()).as("still refused").isEqualTo(TenantState.DIRTY);

        // The operator finishes the index by hand and declares the step applied.
        db.execute("CREATE INDEX IF NOT EXISTS ix_t_id ON tenant_000.t (id)");
        DirtyResolver resolver = new DirtyResolver(graph, fixture.databases, options);
        assertThat(resolver.resolve(tenant, DirtyResolver.Resolution.MARK_APPLIED).revision()).isEqualTo("n2");
        assertThat(fixture.rows(tenant)).containsExactly("n2");
        assertThatThrownBy(() -> resolver.resolve(tenant, DirtyResolver.Resolution.MARK_APPLIED))
                .hasMessageContaining("is not dirty");

        TenantResult after = reconciler.reconcile(tenant, "n3");
        assertThat(after.state()).isEqualTo(TenantState.CONVERGED);
        assertThat(after.steps()).extracting(StepRecord::revision).containsExactly("n3");
        assertThat(fixture.history(tenant)).extracting(HistoryRow::revision, r -> r.outcome().code())
                .contains(org.assertj.core.groups.Tuple.tuple("n2", "resolved-applied"));
    }

    @Test
    void aDirtyTenantMarkedRolledBackRunsTheStepAgain() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("n1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("n2", List.of("n1"), List.of(), List.of(), false,
                        SLOW + "; CREATE INDEX CONCURRENTLY ix_t_id ON t (id);", "DROP INDEX CONCURRENTLY ix_t_id;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        ApplyOptions options = AgentFixture.options("agent-a");
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, options, new DdlThrottle(1),
                Fingerprinter.NONE);
        CompletableFuture<TenantResult> running = CompletableFuture.supplyAsync(() -> reconciler.reconcile(tenant, "n2"));
        killWhenRunning();
        assertThat(running.get().state()).isEqualTo(TenantState.DIRTY);

        new DirtyResolver(graph, fixture.databases, options).resolve(tenant, DirtyResolver.Resolution.MARK_ROLLED_BACK);
        assertThat(fixture.rows(tenant)).containsExactly("n1");

        TenantResult after = reconciler.reconcile(tenant, "n2");
        assertThat(after.state()).as("%s", after.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(fixture.rows(tenant)).containsExactly("n2");
        assertThat(query("SELECT indexname FROM pg_indexes WHERE schemaname = 'tenant_000'")).contains("ix_t_id");
    }

    @Test
    void aNonTransactionalStepFailingAfterAStatementTookEffectLeavesTheTenantDirtyAndIsNotRunAgain() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("p1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("p2", List.of("p1"), List.of(), List.of(), false,
                        "CREATE TABLE u (id int); ALTER TABLE t ADD COLUMN c int;", "DROP TABLE u;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        ApplyOptions options = AgentFixture.options("agent-a").withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(30))
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(10));
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, options, new DdlThrottle(1),
                Fingerprinter.NONE);
        assertThat(reconciler.reconcile(tenant, "p1").state()).isEqualTo(TenantState.CONVERGED);

        // The second statement times out on a lock: a failure a transactional step would simply try again.
        TenantResult result = reconcileWhileLocked(reconciler, tenant, "p2", "tenant_000.t");

        // The first statement's table is there, so the step is not run again over it: the tenant is dirty,
        // saying how the step failed, and stays so until an operator settles it.
        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.DIRTY);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.error().revision()).isEqualTo("p2");
        assertThat(result.error().sqlState()).isEqualTo("55P03");
        assertThat(result.error().message()).contains("failed partway (55P03: statement 2 of 2 failed, after 1 took"
                + " effect: ").contains("schemafleet resolve --db URL --tenant tenant_000 --dir DIR --mark-applied");
        assertThat(fixture.rows(tenant)).containsExactly("p1");
        assertThat(query("SELECT to_regclass('tenant_000.u') IS NOT NULL")).containsExactly("t");
        assertThat(fixture.history(tenant)).filteredOn(r -> r.revision().equals("p2"))
                .extracting(r -> r.outcome().code()).containsExactly("pending");
        TenantResult again = reconciler.reconcile(tenant, "p2");
        assertThat(again.state()).isEqualTo(TenantState.DIRTY);
        assertThat(again.error().sqlState()).as("the failure is kept with the marker").isEqualTo("55P03");
    }

    @Test
    void aConcurrentIndexBuildWaitsOutAnOlderTransactionLongerThanTheLockTimeout() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("c1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("c2", List.of("c1"), List.of(), List.of(), false,
                        "CREATE INDEX CONCURRENTLY ix_t_id ON t (id) /* schemafleet-cic-marker */;",
                        "DROP INDEX CONCURRENTLY ix_t_id;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        ApplyOptions options = AgentFixture.options("agent-a").withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(60));
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, options, new DdlThrottle(1),
                Fingerprinter.NONE);
        assertThat(reconciler.reconcile(tenant, "c1").state()).isEqualTo(TenantState.CONVERGED);

        TenantResult result;
        try (Connection reader = DriverManager.getConnection(db.url())) {
            // A transaction with a snapshot, as a long report would hold: the build waits for it to end.
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = reader.createStatement()) {
                st.execute("SELECT count(*) FROM tenant_000.t");
            }
            CompletableFuture<TenantResult> running = CompletableFuture.supplyAsync(() -> reconciler.reconcile(tenant, "c2"));
            // Waiting for the reader well past the 200 ms lock timeout.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> !query(
                    "SELECT pid FROM pg_stat_activity WHERE query LIKE '%schemafleet-cic-marker%' AND wait_event_type"
                    + " = 'Lock' AND query NOT LIKE '%pg_stat_activity%' AND now() - query_start > interval '1 second'")
                    .isEmpty());
            assertThat(running).as("still waiting").isNotDone();
            reader.commit();
            result = running.get();
        }

        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'tenant_000.ix_t_id'::regclass"))
                .containsExactly("t");
    }

    @Test
    void aLockTimeoutIsTransientAndAPermanentErrorIsNotRetried() throws Exception {
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("l1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("l2", List.of("l1"), List.of(), List.of(), true, "ALTER TABLE t ADD COLUMN c int;", ""),
                rev("l3", List.of("l2"), List.of(), List.of(), true, "ALTER TABLE t ADD COLUMN nope int REFERENCES nowhere;", "")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        ApplyOptions options = AgentFixture.options("agent-a").withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(30))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10));
        TenantReconciler reconciler = new TenantReconciler(graph, fixture.databases, options, new DdlThrottle(1),
                Fingerprinter.NONE);
        assertThat(reconciler.reconcile(tenant, "l1").state()).isEqualTo(TenantState.CONVERGED);

        TenantResult locked = reconcileWhileLocked(reconciler, tenant, "l2", "tenant_000.t");
        assertThat(locked.state()).isEqualTo(TenantState.FAILED);
        assertThat(locked.error().sqlState()).isEqualTo("55P03");
        assertThat(locked.attempts()).isEqualTo(2);
        assertThat(fixture.rows(tenant)).containsExactly("l1");

        TenantResult permanent = reconciler.reconcile(tenant, "l3");
        assertThat(permanent.state()).isEqualTo(TenantState.FAILED);
        assertThat(permanent.error().sqlState()).isEqualTo("42P01");
        assertThat(permanent.error().revision()).isEqualTo("l3");
        assertThat(permanent.attempts()).isEqualTo(1);
        assertThat(fixture.rows(tenant)).containsExactly("l2");
    }

    @Test
    void aStepWhoseReplyIsLostAfterItCommittedIsReportedOnce() throws Exception {
        LossyNetwork.arm(LossyNetwork.Fault.LOSE_REPLY);
        Reported reported = new Reported();
        TenantResult result = reconciler(AgentFixture.options("agent-a"), reported, new InDoubtSteps())
                .reconcile(lossyTenant(), "d3");

        assertThat(LossyNetwork.broken()).as("connections broken").isEqualTo(1);
        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(reported.revisions).as("steps reported").containsExactly("d1", "d2", "d3");
        assertThat(result.steps()).extracting(StepRecord::revision).containsExactly("d1", "d2", "d3");
        assertThat(appliedOnce()).containsExactly("d1", "d2", "d3");
    }

    /**
     * {@code +1} whose step committed but whose reply was lost: the retry finds the step done,
     * and that is the one step {@code +1} asked for, not a reason to take the one after it.
     */
    @Test
    void aRelativeDestinationRetriedAfterALostReplyTakesNoFurtherStep() throws Exception {
        TenantReconciler reconciler = reconciler(AgentFixture.options("agent-a"), new Reported(), new InDoubtSteps());
        Tenant tenant = lossyTenant();
        assertThat(reconciler.reconcile(tenant, "d1").state()).isEqualTo(TenantState.CONVERGED);
        LossyNetwork.arm(LossyNetwork.Fault.LOSE_REPLY);

        TenantResult result = reconciler.reconcile(tenant, "+1");

        assertThat(LossyNetwork.broken()).as("connections broken").isEqualTo(1);
        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.steps()).extracting(StepRecord::revision).containsExactly("d2");
        assertThat(appliedOnce()).containsExactly("d1", "d2");
    }

    @Test
    void aStepWhoseRequestIsLostRunsAgainAndIsReportedOnce() throws Exception {
        LossyNetwork.arm(LossyNetwork.Fault.LOSE_REQUEST);
        Reported reported = new Reported();
        TenantResult result = reconciler(AgentFixture.options("agent-a"), reported, new InDoubtSteps())
                .reconcile(lossyTenant(), "d3");

        assertThat(LossyNetwork.broken()).as("connections broken").isEqualTo(1);
        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(reported.revisions).as("steps reported").containsExactly("d1", "d2", "d3");
        assertThat(appliedOnce()).containsExactly("d1", "d2", "d3");
    }

    @Test
    void aStepWhoseReplyNeverComesIsGivenUpAtTheReadTimeoutAndReportedOnce() throws Exception {
        // A network partition: the step commits, its reply is lost, and the connection stays
        // open with nothing more coming. Without a read timeout the agent would wait for good.
        LossyNetwork.arm(LossyNetwork.Fault.SILENCE);
        Reported reported = new Reported();
        long start = System.nanoTime();
        try (Databases timed = new Databases(DbCredentials.NONE, 2, Duration.ofSeconds(2))) {
            TenantResult result = CompletableFuture.supplyAsync(() -> new TenantReconciler(graph(), timed,
                            AgentFixture.options("agent-a"), new DdlThrottle(1), Fingerprinter.NONE, reported,
                            tenant -> true, new InDoubtSteps(), StepResends.none()).reconcile(lossyTenantUnchecked(), "d3"))
                    .get(60, TimeUnit.SECONDS);

            assertThat(LossyNetwork.broken()).as("connections silenced").isEqualTo(1);
            assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(reported.revisions).as("steps reported").containsExactly("d1", "d2", "d3");
            assertThat(appliedOnce()).containsExactly("d1", "d2", "d3");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("given up at the read timeout, not before")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void aStepTheServerIsStillRunningWhenTheAgentStopsWaitingIsSettledOnceItEndsAndReportedOnce() throws Exception {
        // The read timeout (2 s) is shorter than the step (4 s): the agent gives the connection
        // up, the server goes on, commits, and only then lets the tenant's lock go.
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("s1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("s2", List.of("s1"), List.of(), List.of(), true,
                        "ALTER TABLE t ADD COLUMN c int; SELECT pg_sleep(4);", "ALTER TABLE t DROP COLUMN c;"),
                rev("s3", List.of("s2"), List.of(), List.of(), true, "CREATE INDEX ix_t_c ON t (c);",
                        "DROP INDEX ix_t_c;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        Reported reported = new Reported();
        try (Databases timed = new Databases(DbCredentials.NONE, 2, Duration.ofSeconds(2))) {
            TenantResult result = new TenantReconciler(graph, timed, AgentFixture.options("agent-a"),
                    new DdlThrottle(1), Fingerprinter.NONE, reported, t -> true, new InDoubtSteps(), StepResends.none())
                    .reconcile(tenant, "s3");

            assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
            assertThat(reported.revisions).as("steps reported").containsExactly("s1", "s2", "s3");
            assertThat(fixture.history(tenant).stream().filter(r -> r.outcome() == HistoryOutcome.APPLIED)
                    .map(HistoryRow::revision)).containsExactly("s1", "s2", "s3");
        }
    }

    @Test
    void aStepWhoseSessionOutlastsTheWaitLeavesTheTenantUnreachableUntilAPassFindsItDone() throws Exception {
        // A 1 s statement timeout gives a 2 s read timeout, and as long a wait for the session of a
        // step in doubt; the step lifts its own statement timeout and takes 6 s.
        RevisionGraph graph = RevisionGraph.of(List.of(
                rev("u1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("u2", List.of("u1"), List.of(), List.of(), true,
                        "ALTER TABLE t ADD COLUMN c int; SET LOCAL statement_timeout = 0; SELECT pg_sleep(6);",
                        "ALTER TABLE t DROP COLUMN c;")));
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        Reported reported = new Reported();
        InDoubtSteps inDoubt = new InDoubtSteps();
        ApplyOptions options = AgentFixture.options("agent-a").withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));
        try (Databases timed = new Databases(DbCredentials.NONE, 2, options.readTimeout())) {
            TenantReconciler reconciler = new TenantReconciler(graph, timed, options,
                    new DdlThrottle(1), Fingerprinter.NONE, reported, t -> true, inDoubt, StepResends.none());
            TenantResult first = reconciler.reconcile(tenant, "u2");

            assertThat(first.state()).as("%s", first.error()).isEqualTo(TenantState.UNREACHABLE);
            assertThat(first.error().code()).isEqualTo("in_doubt");
            assertThat(first.error().revision()).isEqualTo("u2");

            // later passes, as the agent makes them, until the session has let the lock go
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> reconciler.reconcile(tenant, "u2").state() == TenantState.CONVERGED);
            assertThat(reported.revisions).as("steps reported").containsExactly("u1", "u2");
        }
    }

    @Test
    void aStepStillInDoubtWhenItsRetriesRunOutIsSettledInTheNextPass() throws Exception {
        ApplyOptions once = AgentFixture.options("agent-a").withRetries(1, Duration.ZERO, Duration.ZERO);
        InDoubtSteps inDoubt = new InDoubtSteps();
        Reported reported = new Reported();
        Tenant tenant = lossyTenant();
        LossyNetwork.arm(LossyNetwork.Fault.LOSE_REPLY);
        TenantResult cut = reconciler(once, reported, inDoubt).reconcile(tenant, "d3");

        assertThat(LossyNetwork.broken()).as("connections broken").isEqualTo(1);
        assertThat(cut.state()).as("a broken connection is no verdict on the step").isEqualTo(TenantState.UNREACHABLE);
        assertThat(cut.error().sqlState()).isEqualTo("08006");
        assertThat(cut.error().revision()).isEqualTo("d2");
        assertThat(reported.revisions).as("reported before the next pass").containsExactly("d1");

        TenantResult next = reconciler(once, reported, inDoubt).reconcile(tenant, "d3");
        assertThat(next.state()).as("%s", next.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(reported.revisions).as("steps reported").containsExactly("d1", "d2", "d3");
        assertThat(appliedOnce()).containsExactly("d1", "d2", "d3");
    }

    /** Three steps; the second's SQL is marked for {@link LossyNetwork}. */
    private TenantReconciler reconciler(ApplyOptions options, Reported reported, InDoubtSteps inDoubt) {
        return new TenantReconciler(graph(), fixture.databases, options, new DdlThrottle(1), Fingerprinter.NONE,
                reported, tenant -> true, inDoubt, StepResends.none());
    }

    private static RevisionGraph graph() {
        return RevisionGraph.of(List.of(
                rev("d1", List.of(), List.of(), List.of(), true, "CREATE TABLE t (id int);", "DROP TABLE t;"),
                rev("d2", List.of("d1"), List.of(), List.of(), true,
                        "ALTER TABLE t ADD COLUMN c int /* " + LossyNetwork.MARKER + " */;", "ALTER TABLE t DROP COLUMN c;"),
                rev("d3", List.of("d2"), List.of(), List.of(), true, "CREATE INDEX ix_t_c ON t (c);", "DROP INDEX ix_t_c;")));
    }

    /** Tenant {@code tenant_000}, reached through {@link LossyNetwork}. */
    private Tenant lossyTenant() throws SQLException {
        return Tenant.schema(LossyNetwork.through(db.url()), AgentFixture.schemaTenants(db, 1).get(0).schema());
    }

    private Tenant lossyTenantUnchecked() {
        try {
            return lossyTenant();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The revisions the tenant's history shows applied, each of which must be there once. */
    private List<String> appliedOnce() throws SQLException {
        return fixture.history(Tenant.schema(db.url(), "tenant_000")).stream()
                .filter(r -> r.outcome() == HistoryOutcome.APPLIED).map(HistoryRow::revision).toList();
    }

    /** The steps a reconciler reported, in order. */
    private static final class Reported implements StepListener {
        final List<String> revisions = new CopyOnWriteArrayList<>();

        @Override
        public void stepApplied(Tenant tenant, String destination, StepRecord step, List<String> headsAfter) {
            revisions.add(step.revision());
        }
    }

    /** Waits for the marked statement to run, then terminates its backend; returns how many were killed. */
    /** Reconciles the tenant while another session holds an ACCESS EXCLUSIVE lock on {@code table}. */
    private TenantResult reconcileWhileLocked(TenantReconciler reconciler, Tenant tenant, String destination,
                                              String table) throws SQLException {
        try (Connection holder = DriverManager.getConnection(db.url())) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            TenantResult result = reconciler.reconcile(tenant, destination);
            holder.rollback();
            return result;
        }
    }

    private int killWhenRunning() throws SQLException {
        String find = "SELECT pid FROM pg_stat_activity WHERE query LIKE '%schemafleet-fault-marker%'"
                + " AND query NOT LIKE '%pg_stat_activity%' AND state = 'active'";
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> !query(find).isEmpty());
        int killed = 0;
        for (String pid : query(find)) {
            killed += query("SELECT pg_terminate_backend(" + pid + ")").contains("t") ? 1 : 0;
        }
        return killed;
    }

    private List<String> query(String sql) throws SQLException {
        return db.query(sql);
    }
}
