package io.schemafleet.agent.apply;

import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static io.schemafleet.agent.apply.FleetRevisions.B1;
import static io.schemafleet.agent.apply.FleetRevisions.D1;
import static io.schemafleet.agent.apply.FleetRevisions.M1;
import static io.schemafleet.agent.apply.FleetRevisions.P1;
import static io.schemafleet.agent.apply.FleetRevisions.P2;
import static io.schemafleet.agent.apply.FleetRevisions.R1;
import static io.schemafleet.agent.apply.FleetRevisions.R2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The reconciler against a real PostgreSQL: applying, failing, racing, refusing. */
class ReconcilerIT {
    private TestDatabase db;
    private AgentFixture fixture;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("reconciler");
        fixture = new AgentFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        db.close();
    }

    @Test
    void aFreshTenantIsBroughtToHeadsAndBackToBase() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = fixture.reconciler(AgentFixture.options("agent-a"));

        TenantResult up = reconciler.reconcile(tenant, "heads");

        assertThat(up.state()).as("%s", up.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(up.heads()).containsExactly(D1, P2);
        assertThat(up.steps()).extracting(StepRecord::revision).containsExactlyInAnyOrder(R1, R2, B1, M1, D1, P1, P2);
        assertThat(fixture.rows(tenant)).containsExactly(D1, P2);
        assertThat(columns("tenant_000", "users")).contains("email", "name", "score");
        assertThat(indexes("tenant_000")).contains("ix_users_email");

        TenantResult down = reconciler.reconcile(tenant, "base");

        assertThat(down.state()).as("%s", down.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(down.heads()).isEmpty();
        assertThat(fixture.rows(tenant)).isEmpty();
        assertThat(tables("tenant_000")).containsOnly("schemafleet_version", "schemafleet_history");
        assertThat(fixture.history(tenant)).hasSize(14).allMatch(r -> r.outcome() == HistoryOutcome.APPLIED);
    }

    /**
     * {@code -1} counts from where the tenant is when the reconcile begins: one step, not one
     * step and then another from where that one left it, and so on to base.
     */
    @Test
    void aRelativeDestinationMovesOneStepFromWhereTheTenantWas() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = fixture.reconciler(AgentFixture.options("agent-a"));
        assertThat(reconciler.reconcile(tenant, R2).state()).isEqualTo(TenantState.CONVERGED);

        TenantResult down = reconciler.reconcile(tenant, "-1");

        assertThat(down.state()).as("%s", down.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(down.steps()).extracting(StepRecord::revision).containsExactly(R2);
        assertThat(fixture.rows(tenant)).containsExactly(R1);
        assertThat(tables("tenant_000")).contains("users");

        TenantResult again = reconciler.reconcile(tenant, "-1");

        assertThat(again.steps()).extracting(StepRecord::revision).containsExactly(R1);
        assertThat(fixture.rows(tenant)).isEmpty();
    }

    /**
     * Every step names its row in the tenant's history table, transactional ({@code R1}) or
     * not ({@code D1}), as the table holds it, so that the coordinator counts a step sent twice
     * once. An agent that reports sends a tenant's recent steps again at its first visit (the
     * agent before it may have died with steps unreported), and after a report of it may have
     * been lost; never otherwise, and never those of a tenant it has just made.
     */
    @Test
    void stepsNameTheirHistoryRowsAndAreSentAgainWhereAReportMayBeLost() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        StepResends resends = StepResends.fromStart();
        TenantReconciler reconciler = reporting(resends);

        TenantResult up = reconciler.reconcile(tenant, "heads");

        assertThat(up.state()).as("%s", up.error()).isEqualTo(TenantState.CONVERGED);
        List<HistoryRow> history = fixture.history(tenant);
        assertThat(history).extracting(HistoryRow::revision).contains(R1, D1);
        assertThat(up.steps()).extracting(StepRecord::row).doesNotContainNull()
                .containsExactlyElementsOf(history.stream().map(HistoryRow::key).toList());
        assertThat(up.resent()).as("a tenant this agent made has nothing to send again").isEmpty();
        assertThat(reconciler.reconcile(tenant, "heads").resent()).as("nothing lost since").isEmpty();

        resends.owe(tenant.id());
        TenantResult afterLoss = reconciler.reconcile(tenant, "heads");

        assertThat(afterLoss.steps()).isEmpty();
        assertThat(afterLoss.resent()).as("the steps a lost report may have carried")
                .containsExactlyElementsOf(history.stream().map(r -> new StepRecord(r.revision(), r.direction(),
                        r.durationMillis(), r.key())).toList());
        assertThat(reconciler.reconcile(tenant, "heads").resent()).as("sent again once").isEmpty();

        TenantResult restarted = reporting(StepResends.fromStart()).reconcile(tenant, "heads");
        assertThat(restarted.resent()).extracting(StepRecord::row)
                .containsExactlyElementsOf(history.stream().map(HistoryRow::key).toList());
        assertThat(fixture.reconciler(AgentFixture.options("agent-a")).reconcile(tenant, "heads").resent())
                .as("a run that reports to no coordinator sends nothing again").isEmpty();
    }

    private TenantReconciler reporting(StepResends resends) {
        return new TenantReconciler(fixture.graph, fixture.databases, AgentFixture.options("agent-a"),
                new DdlThrottle(4), Fingerprinter.NONE, StepListener.NONE, t -> true, new InDoubtSteps(), resends);
    }

    @Test
    void aConvergedTenantIsLeftAlone() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = fixture.reconciler(AgentFixture.options("agent-a"));
        reconciler.reconcile(tenant, "heads");

        TenantResult again = reconciler.reconcile(tenant, "heads");

        assertThat(again.state()).isEqualTo(TenantState.CONVERGED);
        assertThat(again.steps()).isEmpty();
        assertThat(fixture.history(tenant)).hasSize(7);
    }

    @Test
    void aFailingStepLeavesTheTenantAtItsPreviousVersionWithTheSqlState() throws Exception {
        List<Tenant> tenants = AgentFixture.schemaTenants(db, 5);
        // tenant_002 already has a column the r2 revision adds: r2 fails there with 42701.
        db.execute("CREATE TABLE tenant_002.users (id bigserial PRIMARY KEY, email text NOT NULL, name text)");
        db.execute("CREATE TABLE tenant_002.schemafleet_version (version_num varchar(64) PRIMARY KEY)",
                "INSERT INTO tenant_002.schemafleet_version VALUES ('" + R1 + "')");

        List<TenantResult> results = fixture.fleet("agent-a", 4).apply(tenants, D1, r -> { });

        TenantResult failed = results.get(2);
        assertThat(failed.state()).isEqualTo(TenantState.FAILED);
        assertThat(failed.error().sqlState()).isEqualTo("42701");
        assertThat(failed.error().revision()).isEqualTo(R2);
        assertThat(failed.error().message()).contains("name");
        assertThat(fixture.rows(tenants.get(2))).containsExactlyInAnyOrder(B1);
        assertThat(fixture.history(tenants.get(2))).filteredOn(r -> r.outcome() == HistoryOutcome.FAILED)
                .extracting(HistoryRow::revision, HistoryRow::sqlState).containsOnly(org.assertj.core.groups.Tuple.tuple(R2, "42701"));
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(results.get(i).state()).isEqualTo(TenantState.CONVERGED);
            assertThat(fixture.rows(tenants.get(i))).containsExactly(D1);
        }
    }

    @Test
    void twoAgentsRacingOnTheSameTenantsApplyEveryStepExactlyOnce() throws Exception {
        List<Tenant> tenants = AgentFixture.schemaTenants(db, 40);
        List<Tenant> reversed = new ArrayList<>(tenants);
        Collections.reverse(reversed);
        Map<String, TenantResult> byA = new ConcurrentHashMap<>();
        Map<String, TenantResult> byB = new ConcurrentHashMap<>();
        FleetApplier a = fixture.fleet("agent-a", 4);
        FleetApplier b = fixture.fleet("agent-b", 4);

        Thread other = new Thread(() -> {
            try {
                b.apply(reversed, "heads", r -> byB.put(r.tenant(), r));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        a.apply(tenants, "heads", r -> byA.put(r.tenant(), r));
        other.join();

        for (Tenant tenant : tenants) {
            assertThat(byA.get(tenant.id()).state()).as("agent a on %s: %s", tenant.id(), byA.get(tenant.id()).error())
                    .isEqualTo(TenantState.CONVERGED);
            assertThat(byB.get(tenant.id()).state()).as("agent b on %s: %s", tenant.id(), byB.get(tenant.id()).error())
                    .isEqualTo(TenantState.CONVERGED);
            List<HistoryRow> history = fixture.history(tenant);
            Map<String, Long> applications = history.stream()
                    .filter(r -> r.outcome() == HistoryOutcome.APPLIED)
                    .collect(Collectors.groupingBy(HistoryRow::revision, Collectors.counting()));
            assertThat(applications).as("applications in %s", tenant.id())
                    .containsOnlyKeys(R1, R2, B1, M1, D1, P1, P2).allSatisfy((rev, n) -> assertThat(n).isEqualTo(1));
            assertThat(fixture.rows(tenant)).containsExactly(D1, P2);
        }
        int stepsByA = byA.values().stream().mapToInt(r -> r.steps().size()).sum();
        int stepsByB = byB.values().stream().mapToInt(r -> r.steps().size()).sum();
        assertThat(stepsByA + stepsByB).isEqualTo(40 * 7);
    }

    @Test
    void aTamperedChecksumBlocksTheTenantAndNothingRuns() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = fixture.reconciler(AgentFixture.options("agent-a"));
        reconciler.reconcile(tenant, R2);
        db.execute("UPDATE tenant_000.schemafleet_history SET checksum = repeat('0', 64) WHERE revision = '" + R1 + "'");

        TenantResult result = reconciler.reconcile(tenant, "heads");

        assertThat(result.state()).isEqualTo(TenantState.BLOCKED);
        assertThat(result.error().code()).isEqualTo("checksum_mismatch");
        assertThat(result.error().revision()).isEqualTo(R1);
        assertThat(result.error().message()).contains("0000000000", fixture.graph.revision(R1).orElseThrow().checksum());
        assertThat(fixture.rows(tenant)).containsExactly(R2);
        assertThat(fixture.history(tenant)).hasSize(2);
    }

    @Test
    void aVersionRowUnknownToTheGraphBlocksTheTenant() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        db.execute("CREATE TABLE tenant_000.schemafleet_version (version_num varchar(64) PRIMARY KEY)",
                "INSERT INTO tenant_000.schemafleet_version VALUES ('deadbeef0000')");

        TenantResult result = fixture.reconciler(AgentFixture.options("agent-a")).reconcile(tenant, "heads");

        assertThat(result.state()).isEqualTo(TenantState.BLOCKED);
        assertThat(result.error().code()).isEqualTo("unknown_revision");
        assertThat(result.error().message()).contains("deadbeef0000");
        assertThat(tables("tenant_000")).doesNotContain("users");
    }

    @Test
    void anAlembicManagedDatabaseIsAdoptedAsItIs() throws Exception {
        Tenant tenant = Tenant.database(db.url(), db.name());
        // What Alembic leaves behind after applying r1: its table, its version row, no history.
        db.execute("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, "
                        + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
                "INSERT INTO alembic_version VALUES ('" + R1 + "')");
        ApplyOptions alembic = AgentFixture.options("agent-a").withLayout(VersionLayout.ALEMBIC);

        TenantResult result = fixture.reconciler(alembic).reconcile(tenant, M1);

        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(result.steps()).extracting(StepRecord::revision).containsExactlyInAnyOrder(R2, B1, M1);
        assertThat(query("SELECT version_num FROM public.alembic_version")).containsExactly(M1);
        assertThat(tables("public")).doesNotContain("schemafleet_version");
    }

    @Test
    void aTenantInAnotherAgentsLockWaitsItsTurn() throws Exception {
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        TenantReconciler reconciler = fixture.reconciler(AgentFixture.options("agent-a"));
        reconciler.reconcile(tenant, R1);
        try (Connection holder = DriverManager.getConnection(db.url())) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + io.schemafleet.agent.store.TenantStore.LOCK_NAMESPACE
                        + ", hashtext('tenant_000'))");
            }
            long rollbacksBefore = rollbacks();
            Thread runner = new Thread(() -> reconciler.reconcile(tenant, R2));
            runner.start();
            awaitTriedTheLock(rollbacksBefore);
            assertThat(fixture.rows(tenant)).containsExactly(R1);
            holder.rollback();
            runner.join(30_000);
            assertThat(runner.isAlive()).isFalse();
        }
        assertThat(fixture.rows(tenant)).containsExactly(R2);
    }

    /**
     * The runner has tried for the lock and backed off: each try that finds it taken rolls
     * its transaction back (it polls rather than waiting inside PostgreSQL), which the
     * database's statistics count.
     */
    private void awaitTriedTheLock(long rollbacksBefore) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> rollbacks() > rollbacksBefore);
    }

    private long rollbacks() throws Exception {
        return Long.parseLong(query("SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()").get(0));
    }

    private List<String> tables(String schema) throws Exception {
        return query("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "' ORDER BY 1");
    }

    private List<String> indexes(String schema) throws Exception {
        return query("SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "' ORDER BY 1");
    }

    private List<String> columns(String schema, String table) throws Exception {
        return query("SELECT column_name FROM information_schema.columns WHERE table_schema = '" + schema
                + "' AND table_name = '" + table + "' ORDER BY 1");
    }

    private List<String> query(String sql) throws Exception {
        return db.query(sql);
    }
}
