package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.StepRefusal;
import io.schemafleet.agent.store.StepScript;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.VersionTableChange;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.schemafleet.agent.apply.FleetRevisions.rev;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transactional step is one script sent in one round trip (settings, lock, checks, SQL,
 * bookkeeping, commit): these pin down that it is still all or nothing, whatever the
 * step's SQL does, and that its bookkeeping is written exactly.
 */
class StepScriptIT {
    private static final String BASE = "a1base";
    private static final String LONG = "a2long";
    private final AgentFixture fixture = new AgentFixture();
    private TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("stepscript");
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        db.close();
    }

    @Test
    void aLongStepWhoseLastStatementFailsLeavesNothingBehind() throws Exception {
        // Hundreds of statements: more than the driver sends before it syncs with the server
        // once on its own, so a script that relied on one implicit transaction would commit a part.
        StringBuilder up = new StringBuilder("CREATE TABLE t (n int);\n");
        for (int i = 0; i < 600; i++) {
            up.append("INSERT INTO t VALUES (").append(i).append(");\n");
        }
        up.append("INSERT INTO t VALUES ('not a number');");
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "DROP TABLE base;"),
                rev(LONG, List.of(BASE), List.of(), List.of(), true, up.toString(), "DROP TABLE t;")), "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        TenantResult result = reconciler.reconcile(tenant, LONG);

        assertThat(result.state()).isEqualTo(TenantState.FAILED);
        assertThat(result.error().sqlState()).isEqualTo("22P02");
        assertThat(result.error().revision()).isEqualTo(LONG);
        assertThat(result.heads()).containsExactly(BASE);
        assertThat(db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'tenant_000'"
                + " ORDER BY 1")).containsExactly("base", "schemafleet_history", "schemafleet_version");
        assertThat(fixture.history(tenant)).extracting(HistoryRow::revision, HistoryRow::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BASE, HistoryOutcome.APPLIED),
                org.assertj.core.groups.Tuple.tuple(LONG, HistoryOutcome.FAILED));
    }

    @Test
    void aStepThatTouchesTheVersionTableIsRolledBackWholly() throws Exception {
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "DROP TABLE base;"),
                rev(LONG, List.of(BASE), List.of(), List.of(), true,
                        "CREATE TABLE t (n int); INSERT INTO schemafleet_version VALUES ('zzzz');", "DROP TABLE t;")),
                "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        TenantResult result = reconciler.reconcile(tenant, LONG);

        assertThat(result.state()).isEqualTo(TenantState.FAILED);
        assertThat(result.error().sqlState()).isEqualTo("55000");
        assertThat(fixture.rows(tenant)).containsExactly(BASE);
        assertThat(db.query("SELECT to_regclass('tenant_000.t')::text")).containsExactly((String) null);
    }

    @Test
    void theFirstStepOfANewTenantCreatesItsTablesOrFailsWithThemInPlace() throws Exception {
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int) oops;", "")), "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        TenantResult result = reconciler.reconcile(tenant, BASE);

        assertThat(result.state()).isEqualTo(TenantState.FAILED);
        assertThat(result.error().sqlState()).isEqualTo("42601");
        assertThat(result.heads()).isEmpty();
        assertThat(fixture.history(tenant)).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(HistoryOutcome.FAILED))
                .satisfies(r -> assertThat(r.sqlState()).isEqualTo("42601"));
    }

    @Test
    void anAgentIdWithQuotesAndBackslashesIsRecordedAsItIs() throws Exception {
        String agent = "it's \\ a \\' \"tricky\" agent; DROP TABLE x; --";
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "")), agent);
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        TenantResult result = reconciler.reconcile(tenant, BASE);

        assertThat(result.state()).as("%s", result.error()).isEqualTo(TenantState.CONVERGED);
        assertThat(fixture.history(tenant)).singleElement().satisfies(r -> {
            assertThat(r.agent()).isEqualTo(agent);
            assertThat(r.finishedAt()).isAfterOrEqualTo(r.startedAt());
        });
    }

    @Test
    void theBookkeepingRunsOnGenericPlansAndTheStepsSqlUnderTheDatabasesSetting() throws Exception {
        // The third step's SQL runs in the session that ran the first two, so it can see how
        // that session planned the bookkeeping statements so far, and under which setting it runs.
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", ""),
                rev(LONG, List.of(BASE), List.of(), List.of(), true, "CREATE TABLE t (n int);", ""),
                rev("a3seen", List.of(LONG), List.of(), List.of(), true,
                        "CREATE TABLE seen AS SELECT current_setting('plan_cache_mode') AS mode,"
                                + " name, generic_plans, custom_plans FROM pg_prepared_statements"
                                + " WHERE name LIKE 'schemafleet%';", "")), "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        assertThat(reconciler.reconcile(tenant, "a3seen").state()).isEqualTo(TenantState.CONVERGED);

        assertThat(db.query("SELECT DISTINCT mode FROM tenant_000.seen")).containsExactly("auto");
        assertThat(db.query("SELECT name || ' ' || generic_plans || ' ' || custom_plans FROM tenant_000.seen"
                + " WHERE name IN ('schemafleet_check', 'schemafleet_history_row') ORDER BY name"))
                .containsExactly("schemafleet_check 3 0", "schemafleet_history_row 2 0");
    }

    @Test
    void aNewTenantsHistoryTableIsOneRelationAndKeepsItsRowsInOrder() throws Exception {
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "DROP TABLE base;"),
                rev(LONG, List.of(BASE), List.of(), List.of(), true, "CREATE TABLE t (n int);", "DROP TABLE t;")),
                "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        assertThat(reconciler.reconcile(tenant, LONG).state()).isEqualTo(TenantState.CONVERGED);
        assertThat(reconciler.reconcile(tenant, "base").state()).isEqualTo(TenantState.CONVERGED);

        // No sequence, no index and (PostgreSQL 16 and later) no TOAST table: one relation.
        assertThat(db.query("SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid"
                + " WHERE d.refobjid = 'tenant_000.schemafleet_history'::regclass AND d.classid = 'pg_class'::regclass"))
                .containsExactly("0");
        assertThat(db.query("SELECT reltoastrelid::int FROM pg_class WHERE oid = 'tenant_000.schemafleet_history'::regclass"))
                .containsExactly("0");
        assertThat(db.query("SELECT relreplident::text FROM pg_class WHERE oid = 'tenant_000.schemafleet_history'::regclass"))
                .containsExactly("f");
        assertThat(fixture.history(tenant)).extracting(HistoryRow::revision, HistoryRow::direction).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BASE, "upgrade"), org.assertj.core.groups.Tuple.tuple(LONG, "upgrade"),
                org.assertj.core.groups.Tuple.tuple(LONG, "downgrade"),
                org.assertj.core.groups.Tuple.tuple(BASE, "downgrade"));
        assertThat(db.query("SELECT string_agg(id::text, ',' ORDER BY id) FROM tenant_000.schemafleet_history"))
                .containsExactly("1,2,3,4");
    }

    @Test
    void aLongErrorIsCutToItsBoundInHistory() throws Exception {
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "")), "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);
        assertThat(reconciler.reconcile(tenant, BASE).state()).isEqualTo(TenantState.CONVERGED);
        String error = "e".repeat(5_000);

        try (java.sql.Connection c = fixture.databases.open(tenant.jdbcUrl())) {
            new TenantStore(tenant, VersionLayout.SCHEMAFLEET).record(c, new HistoryRow(BASE, "upgrade",
                    "0".repeat(64), java.time.Instant.now(), java.time.Instant.now(), "agent-a", HistoryOutcome.FAILED,
                    "XX000", error));
        }

        assertThat(fixture.history(tenant)).last().satisfies(r ->
                assertThat(r.error()).hasSize(TenantStore.MAX_ERROR_CHARS).startsWith("eeee").endsWith("…"));
    }

    @Test
    void theStepsSqlReachesPostgresqlAsWrittenWithoutJdbcEscapesRewritten() throws Exception {
        // A driver that processed JDBC escapes would turn {fn now()} into now() and succeed.
        TenantReconciler reconciler = reconciler(List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base AS SELECT {fn now()} AS at;", "")),
                "agent-a");
        Tenant tenant = AgentFixture.schemaTenants(db, 1).get(0);

        TenantResult result = reconciler.reconcile(tenant, BASE);

        assertThat(result.state()).isEqualTo(TenantState.FAILED);
        assertThat(result.error().sqlState()).isEqualTo("42601");
    }

    @Test
    void oneConnectionServingTenantsInTurnPreparesEachOnesBookkeepingAndSurvivesAFailedScript() throws Exception {
        String bad = "a3bad";
        List<Revision> chain = List.of(
                rev(BASE, List.of(), List.of(), List.of(), true, "CREATE TABLE base (id int);", "DROP TABLE base;"),
                rev(LONG, List.of(BASE), List.of(), List.of(), true, "CREATE TABLE t (n int);", "DROP TABLE t;"),
                rev(bad, List.of(LONG), List.of(), List.of(), true, "CREATE TABLE u (n int) oops;", ""));
        List<Tenant> tenants = AgentFixture.schemaTenants(db, 2);
        Tenant a = tenants.get(0);
        Tenant b = tenants.get(1);
        // One connection for everything: each tenant's steps find the other's statements prepared on it.
        try (Databases one = new Databases(DbCredentials.NONE, 1)) {
            TenantReconciler reconciler = new TenantReconciler(RevisionGraph.of(chain), one,
                    AgentFixture.options("agent-a"), new DdlThrottle(4), Fingerprinter.NONE);

            assertThat(reconciler.reconcile(a, LONG).state()).isEqualTo(TenantState.CONVERGED);
            // b's failing step prepared b's statements before its SQL failed; PostgreSQL keeps
            // them through the rollback, so a's next step must find that out and replace them.
            TenantResult failed = reconciler.reconcile(b, bad);
            assertThat(failed.state()).isEqualTo(TenantState.FAILED);
            assertThat(failed.heads()).containsExactly(LONG);
            assertThat(reconciler.reconcile(a, BASE).state()).isEqualTo(TenantState.CONVERGED);

            try (java.sql.Connection c = one.open(a.jdbcUrl());
                 java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE statement LIKE '%tenant_000%'),"
                         + " count(*) FILTER (WHERE statement LIKE '%tenant_001%') FROM pg_prepared_statements")) {
                rs.next();
                assertThat(rs.getInt(1)).as("a's statements held").isEqualTo(5);
                assertThat(rs.getInt(2)).as("b's statements held").isZero();
            }
        }
        assertThat(fixture.history(a)).extracting(HistoryRow::revision, HistoryRow::direction, HistoryRow::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(BASE, "upgrade", HistoryOutcome.APPLIED),
                        org.assertj.core.groups.Tuple.tuple(LONG, "upgrade", HistoryOutcome.APPLIED),
                        org.assertj.core.groups.Tuple.tuple(LONG, "downgrade", HistoryOutcome.APPLIED));
        assertThat(fixture.rows(a)).containsExactly(BASE);
        assertThat(fixture.rows(b)).containsExactly(LONG);
    }

    @Test
    void aConnectionHoldingAnotherTenantsStatementsRefusesInsteadOfWritingThere() throws Exception {
        List<Tenant> tenants = AgentFixture.schemaTenants(db, 2);
        TenantStore a = new TenantStore(tenants.get(0), VersionLayout.SCHEMAFLEET);
        TenantStore b = new TenantStore(tenants.get(1), VersionLayout.SCHEMAFLEET);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(tenants.get(0).jdbcUrl());
             java.sql.Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute(a.stepScript(c, firstStep("CREATE TABLE base (id int);")));
            // A script for b that never ran: what the agent believes the connection holds is now
            // wrong (b's statements), while it still holds a's.
            b.stepScript(c, firstStep("CREATE TABLE base (id int);"));
            String stale = b.stepScript(c, firstStep("CREATE TABLE base (id int);"));

            assertThatThrownBy(() -> st.execute(stale)).isInstanceOf(java.sql.SQLException.class)
                    .satisfies(e -> assertThat(StepRefusal.of((java.sql.SQLException) e))
                            .contains(StepRefusal.STALE_STATEMENTS));
            c.rollback();
            b.forgetPrepared(c);
            st.execute(b.stepScript(c, firstStep("CREATE TABLE base (id int);")));
        }
        assertThat(fixture.rows(tenants.get(0))).containsExactly(BASE);
        assertThat(fixture.history(tenants.get(0))).hasSize(1);
        assertThat(fixture.rows(tenants.get(1))).containsExactly(BASE);
        assertThat(fixture.history(tenants.get(1))).hasSize(1);
    }

    private static StepScript firstStep(String sql) {
        return new StepScript(5_000, 60_000, true, List.of(), sql, List.of(new VersionTableChange.Insert(BASE)),
                new HistoryRow(BASE, "upgrade", "0".repeat(64), java.time.Instant.now(), null, "agent-a",
                        HistoryOutcome.APPLIED, null, null));
    }

    private TenantReconciler reconciler(List<Revision> revisions, String agentId) {
        return new TenantReconciler(RevisionGraph.of(revisions), fixture.databases, AgentFixture.options(agentId),
                new DdlThrottle(4), Fingerprinter.NONE);
    }
}
