package io.schemafleet.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.schemafleet.deploy.SampleRevisions.BASE;
import static io.schemafleet.deploy.SampleRevisions.INDEX;
import static io.schemafleet.deploy.SampleRevisions.MERGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-shot commands of the distribution ({@code apply}, {@code current},
 * {@code resolve --tenant}, {@code bench}) run in-process, as {@link Main} wires them,
 * against a real PostgreSQL: exit status, what is printed, and what is in the database.
 */
class OneShotCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestDatabase db;

    @BeforeEach
    void setUp() {
        SampleRevisions.writeTo(dir);
        db = TestDatabase.create("cli");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    // ---- apply ----

    @Test
    void applyBringsEveryMatchingSchemaToHeadsAndLeavesTheOthersAlone() throws Exception {
        // given
        List<String> tenants = createTenants(20);
        db.execute("CREATE SCHEMA other");

        // when
        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--parallel", "4", "--no-progress");

        // then
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.out()).as("%s", run).containsPattern("(?m)^converged\\s+20$");
        assertThat(run.out()).doesNotContainPattern("(?m)^(failed|dirty|blocked|unreachable)\\s");
        for (String tenant : tenants) {
            assertThat(versionRows(tenant)).as(tenant).containsExactly(INDEX.id());
            assertThat(columnExists(tenant, "accounts", "email")).as(tenant).isTrue();
            assertThat(columnExists(tenant, "audit_log", "note")).as(tenant).isTrue();
            assertThat(indexIsValid(tenant, "ix_accounts_email")).as(tenant).isTrue();
        }
        assertThat(relationsIn("other")).isEmpty();
    }

    @Test
    void applyJsonReportsEveryTenant() throws Exception {
        // given
        List<String> tenants = createTenants(3);

        // when
        CliRun first = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--json");
        CliRun again = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--json");

        // then
        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.err()).as("--json draws no progress line").isEmpty();
        JsonNode results = JSON.readTree(first.out());
        assertThat(results.isArray()).isTrue();
        assertThat(results.findValuesAsText("tenant")).containsExactlyElementsOf(tenants);
        for (JsonNode r : results) {
            // A stable shape: "error" is there, null, when converged (as "fingerprint" is when absent);
            // ResultsReport.json leaves it out instead.
            assertThat(fieldNames(r)).as("%s", r)
                    .contains("tenant", "state", "heads", "steps", "error", "attempts", "duration_ms");
            assertThat(r.get("state").asText()).isEqualTo("converged");
            assertThat(texts(r.get("heads"))).containsExactly(INDEX.id());
            assertThat(r.get("steps")).hasSize(SampleRevisions.ALL.size());
            assertThat(r.get("steps").get(0).get("revision").asText()).isEqualTo(BASE.id());
            assertThat(r.get("steps").get(0).get("direction").asText()).isEqualTo("upgrade");
            assertThat(r.get("error").isNull()).as("%s", r).isTrue();
            assertThat(r.get("attempts").asInt()).isEqualTo(1);
            assertThat(r.get("duration_ms").asLong()).isNotNegative();
        }
        // a second run finds nothing to do
        assertThat(again.exit()).as("%s", again).isZero();
        for (JsonNode r : JSON.readTree(again.out())) {
            assertThat(r.get("state").asText()).isEqualTo("converged");
            assertThat(r.get("steps")).isEmpty();
        }
    }

    @Test
    void aFailingTenantIsListedWithItsRevisionAndSqlStateWhileTheOthersConverge() throws Exception {
        // given: every tenant at the base; tenant_07 already has the column a2email adds
        createTenants(10);
        CliRun toBase = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", BASE.id(), "--no-progress");
        assertThat(toBase.exit()).as("%s", toBase).isZero();
        db.execute("ALTER TABLE tenant_07.accounts ADD COLUMN email text");

        // when
        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");
        CliRun json = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--json");

        // then
        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).as("%s", run)
                .containsPattern("(?m)^converged\\s+9$")
                .containsPattern("(?m)^failed\\s+1$")
                .containsPattern("(?m)^tenant_07\\s+failed\\s+a2email\\s+42701\\s+.*\"email\".*already exists");
        assertThat(run.outLines()).noneMatch(l -> l.matches("tenant_0[0-689]\\s.*"));
        assertThat(json.exit()).isEqualTo(1);
        JsonNode failed = byTenant(JSON.readTree(json.out()), "tenant_07");
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("error").get("code").asText()).isEqualTo("sql_failed");
        assertThat(failed.get("error").get("revision").asText()).isEqualTo("a2email");
        assertThat(failed.get("error").get("sqlstate").asText()).isEqualTo("42701");
        assertThat(versionRows("tenant_07")).doesNotContain(INDEX.id(), MERGE.id());
        assertThat(versionRows("tenant_06")).containsExactly(INDEX.id());
    }

    // ---- current, dirty tenants, resolve ----

    @Test
    void currentShowsEachTenantsHeadsAndADirtyTenant() throws Exception {
        // given
        fleetAt(MERGE, 5);
        markPending("tenant_03", INDEX);

        // when
        CliRun text = run("current", "--db", db.url(), "--schemas", "tenant_%");
        CliRun json = run("current", "--db", db.url(), "--schemas", "tenant_%", "--json");

        // then
        assertThat(text.exit()).as("%s", text).isZero();
        assertThat(text.out()).as("%s", text)
                .containsPattern("(?m)^tenant_00\\s+clean\\s+m1merge\\s")
                .containsPattern("(?m)^tenant_03\\s+dirty\\s+m1merge\\s")
                .containsPattern("non-transactional upgrade of d1index since \\S+ \\(agent@killed\\) did not finish");
        assertThat(json.exit()).as("%s", json).isZero();
        JsonNode standings = JSON.readTree(json.out());
        assertThat(standings).hasSize(5);
        for (JsonNode s : standings) {
            assertThat(texts(s.get("heads"))).as("%s", s).containsExactly(MERGE.id());
            assertThat(s.get("state").asText()).as("%s", s)
                    .isEqualTo(s.get("tenant").asText().equals("tenant_03") ? "dirty" : "clean");
        }

        // when: an agent is at work on the step (it holds the tenant's lock)
        try (Connection agent = DriverManager.getConnection(db.url())) {
            TenantStore store = new TenantStore(Tenant.schema(db.url(), "tenant_03"), VersionLayout.SCHEMAFLEET);
            store.lockSession(agent);
            CliRun working = run("current", "--db", db.url(), "--schemas", "tenant_03");

            // then: it is not dirt
            assertThat(working.out()).as("%s", working).containsPattern("(?m)^tenant_03\\s+applying\\s+m1merge\\s")
                    .contains("non-transactional upgrade of d1index since").contains("running now");
        }
    }

    @Test
    void applyRefusesADirtyTenant() throws Exception {
        // given
        fleetAt(MERGE, 5);
        markPending("tenant_03", INDEX);

        // when
        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");

        // then
        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).as("%s", run)
                .containsPattern("(?m)^converged\\s+4$")
                .containsPattern("(?m)^dirty\\s+1$")
                .containsPattern("(?m)^tenant_03\\s+dirty\\s+d1index\\s+-\\s+.*did not finish; check the tenant's"
                        + " schema, then settle it: schemafleet resolve --db URL --tenant tenant_03 --dir DIR"
                        + " --mark-applied");
        assertThat(versionRows("tenant_03")).containsExactly(MERGE.id());
        assertThat(indexIsValid("tenant_03", "ix_accounts_email")).isFalse();
    }

    @Test
    void resolveMarkRolledBackSettlesADirtyTenantOnce() throws Exception {
        // given
        fleetAt(MERGE, 5);
        markPending("tenant_03", INDEX);

        // when
        CliRun resolve = run("resolve", "--db", db.url(), "--tenant", "tenant_03", "--mark-rolled-back",
                "--dir", dir.toString());
        CliRun again = run("resolve", "--db", db.url(), "--tenant", "tenant_03", "--mark-rolled-back",
                "--dir", dir.toString());
        CliRun apply = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");

        // then
        assertThat(resolve.exit()).as("%s", resolve).isZero();
        assertThat(resolve.out()).isEqualTo("tenant tenant_03: upgrade of d1index marked rolled back\n");
        assertThat(again.exit()).as("%s", again).isEqualTo(1);
        assertThat(again.errLines()).singleElement().asString()
                .startsWith("error: ").contains("tenant_03").contains("is not dirty");
        assertThat(apply.exit()).as("%s", apply).isZero();
        assertThat(apply.out()).containsPattern("(?m)^converged\\s+5$");
        assertThat(versionRows("tenant_03")).containsExactly(INDEX.id());
        assertThat(indexIsValid("tenant_03", "ix_accounts_email")).isTrue();
        assertThat(strings("SELECT outcome FROM tenant_03.schemafleet_history WHERE revision = 'd1index' ORDER BY id"))
                .containsExactly("resolved-rolled-back", "applied");
    }

    @Test
    void resolveMarkAppliedMovesTheVersionRow() throws Exception {
        // given: the interrupted CREATE INDEX CONCURRENTLY did finish, the operator checked
        fleetAt(MERGE, 5);
        markPending("tenant_04", INDEX);
        db.execute("CREATE INDEX ix_accounts_email ON tenant_04.accounts (email)");

        // when
        CliRun resolve = run("resolve", "--db", db.url(), "--tenant", "tenant_04", "--mark-applied",
                "--dir", dir.toString());
        CliRun apply = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--json");

        // then
        assertThat(resolve.exit()).as("%s", resolve).isZero();
        assertThat(resolve.out()).isEqualTo("tenant tenant_04: upgrade of d1index marked applied\n");
        assertThat(versionRows("tenant_04")).containsExactly(INDEX.id());
        assertThat(apply.exit()).as("%s", apply).isZero();
        JsonNode tenant04 = byTenant(JSON.readTree(apply.out()), "tenant_04");
        assertThat(tenant04.get("state").asText()).isEqualTo("converged");
        assertThat(tenant04.get("steps")).as("nothing left to run").isEmpty();
    }

    @Test
    void resolveSymbolStillWorksAndSymbolWithTenantIsAUsageError() {
        CliRun symbol = run("resolve", "heads", "--dir", dir.toString(), "--json");
        assertThat(symbol.exit()).as("%s", symbol).isZero();
        assertThat(symbol.out().strip()).isEqualTo("[\"d1index\"]");

        CliRun both = run("resolve", "heads", "--db", db.url(), "--tenant", "tenant_03", "--mark-applied",
                "--dir", dir.toString());
        assertThat(both.exit()).as("%s", both).isEqualTo(2);
        assertThat(both.err()).contains("either SYMBOL or --tenant");
        assertThat(both.out()).isEmpty();
    }

    @Test
    void resolveRefusesALibpqUrlWithoutShowingItsPassword() {
        CliRun run = run("resolve", "--db", "postgresql://postgres:s3cretpw@localhost:5432/fleet_a", "--tenant",
                "tenant_03", "--mark-rolled-back", "--dir", dir.toString());

        assertThat(run.exit()).as("%s", run).isNotZero();
        assertThat(run.err()).as("%s", run).contains("not a PostgreSQL JDBC URL").contains("that is libpq's form")
                .doesNotContain("s3cretpw");
    }

    @Test
    void resolveOnATenantWithoutSchemafleetTablesFailsWithOneLine() {
        // An operator's typo: there is no tenant_99. The PSQLException (42P01) used to surface as
        // "internal error: ..." over two lines (the server's "Position: 56" on the second).
        CliRun run = run("resolve", "--db", db.url(), "--tenant", "tenant_99", "--mark-rolled-back",
                "--dir", dir.toString());

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.errLines()).as("%s", run).singleElement().asString()
                .startsWith("error: ").contains("tenant_99").doesNotContain("internal error");
    }

    // ---- tenant selection ----

    @Test
    void hostileSchemaNamesAreSkippedWithAWarningAndNeverTouched() throws Exception {
        // given
        createTenants(2);
        db.execute("CREATE SCHEMA \"tenant_x; drop\"", "CREATE SCHEMA \"tenant_\"\"q\"");

        // when
        CliRun apply = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");
        CliRun current = run("current", "--db", db.url(), "--schemas", "tenant_%");

        // then
        assertThat(apply.exit()).as("%s", apply).isZero();
        assertThat(apply.out()).containsPattern("(?m)^converged\\s+2$");
        for (CliRun r : List.of(apply, current)) {
            assertThat(r.errLines()).as("%s", r)
                    .anyMatch(l -> l.startsWith("warning:") && l.contains("tenant_x; drop"))
                    .anyMatch(l -> l.startsWith("warning:") && l.contains("tenant_\"q"));
        }
        assertThat(current.out()).doesNotContain("drop");
        assertThat(relationsIn("tenant_x; drop")).isEmpty();
        assertThat(relationsIn("tenant_\"q")).isEmpty();
    }

    @Test
    void applyBringsEveryMatchingDatabaseToHeads() throws Exception {
        TestPostgres server = TestPostgres.server();
        List<String> databases = new ArrayList<>();
        try {
            // given: three databases sfdb_<run>_<n>; the --db database does not match
            for (int i = 0; i < 3; i++) {
                databases.add(server.createDatabaseNamed("sfdb"));
            }
            String first = databases.get(0);
            String pattern = first.substring(0, first.lastIndexOf('_') + 1) + "%"; // this JVM's only

            // when
            CliRun run = run("apply", "--db", db.url(), "--databases", pattern, "--dir", dir.toString(),
                    "--to", "heads", "--no-progress");

            // then
            assertThat(pattern).startsWith("sfdb_");
            assertThat(run.exit()).as("%s", run).isZero();
            assertThat(run.out()).containsPattern("(?m)^converged\\s+3$");
            for (String database : databases) {
                assertThat(query(server.jdbcUrl(database), "SELECT version_num FROM public.schemafleet_version"))
                        .as(database).containsExactly(INDEX.id());
            }
            assertThat(relationsIn("public")).isEmpty();
        } finally {
            databases.forEach(server::dropDatabase);
        }
    }

    @Test
    void anAlembicManagedDatabaseIsAdoptedWithItsVersionTable() throws Exception {
        // given: what Alembic leaves after the base revision
        db.execute(BASE.upgradeSql(),
                "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,"
                        + " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
                "INSERT INTO alembic_version VALUES ('" + BASE.id() + "')");

        // when
        CliRun run = run("apply", "--db", db.url(), "--version-table", "alembic_version", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");

        // then
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.out()).containsPattern("(?m)^converged\\s+1$");
        assertThat(strings("SELECT version_num FROM public.alembic_version")).containsExactly(INDEX.id());
        assertThat(relationsIn("public")).doesNotContain("schemafleet_version").contains("schemafleet_history");
        assertThat(columnExists("public", "accounts", "email")).isTrue();
        assertThat(strings("SELECT revision FROM public.schemafleet_history ORDER BY id"))
                .as("the base was Alembic's doing").doesNotContain(BASE.id());
    }

    // ---- bench and usage ----

    @Test
    void benchPrintsTheRatioAndLeavesNoSchemaBehind() throws Exception {
        CliRun run = run("bench", "--db", db.url(), "--tenants", "8", "--revisions", "6", "--parallel", "2");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.lastOutLine()).matches("agent [\\d.]+ s, floor [\\d.]+ s, ratio [\\d.]+");
        assertThat(strings("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sfbench%'")).isEmpty();
    }

    @Test
    void applyWithoutDestinationIsAUsageError() {
        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString());

        assertThat(run.exit()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("--to");
    }

    @Test
    void aLibpqUrlIsRefusedWithOneLineSayingHowToWriteIt() {
        CliRun run = run("current", "--db", "postgres://app:hunter2@localhost:5432/app", "--schemas", "tenant_%");

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: not a PostgreSQL JDBC URL (jdbc:postgresql://HOST[:PORT]/DATABASE)")
                .contains("write jdbc:postgresql://").doesNotContain("hunter2");
    }

    @Test
    void applyToADestinationTheGraphDoesNotKnowIsAUsageErrorAndTouchesNoTenant() throws Exception {
        createTenants(2);

        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(), "--to", "bogus");

        assertThat(run.exit()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("--to bogus: ");
        assertThat(strings("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schemafleet_version'"))
                .as("no tenant was touched").containsExactly("0");
    }

    @Test
    void aRelativeDestinationWithWatchIsAUsageError() throws Exception {
        createTenants(1);

        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(), "--to", "-1",
                "--watch", "1s");

        assertThat(run.exit()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("--to -1 counts from where each tenant is, so --watch would move them again");
        assertThat(strings("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schemafleet_version'"))
                .as("no tenant was touched").containsExactly("0");
    }

    @Test
    void choosingTwoSelectionsFailsWithOneLine() {
        CliRun run = run("apply", "--db", db.url(), "--schemas", "x", "--databases", "y", "--dir", dir.toString(),
                "--to", "heads");

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: ").contains("--schemas").contains("--databases");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void applyWithNoMatchingTenantFailsWithOneLine() {
        CliRun run = run("apply", "--db", db.url(), "--schemas", "nomatch_%", "--dir", dir.toString(),
                "--to", "heads", "--no-progress");

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().contains("no tenants");
    }

    @Test
    void theDistributionJarPrintsUsageWithoutPicocliWarnings() throws Exception {
        // Only a real process shows it: picocli warns on the System.err it saw at class loading.
        // TenantSelection's --schemas description holds an unescaped '%' ('tenant_%'), which
        // picocli takes for a format specifier: three "[picocli WARN]" lines per usage message.
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "schemafleet.jar");
        assertThat(jar).as("built by the package phase").exists();
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String stderr = Files.readString(err);
        assertThat(process.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr).contains("Missing required option: '--to=DEST'").contains("'tenant_%'")
                .doesNotContain("[picocli WARN]").doesNotContain("\tat ");
    }

    // ---- helpers ----

    /** Runs the CLI; no output of any run may hold a Java stack trace. */
    private static CliRun run(String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.out() + run.err()).as("stack trace in %s", run).doesNotContain("\tat ");
        return run;
    }

    /** Creates schemas {@code tenant_00..}; returns their names. */
    private List<String> createTenants(int n) throws SQLException {
        List<String> names = IntStream.range(0, n).mapToObj(i -> String.format(Locale.ROOT, "tenant_%02d", i)).toList();
        db.execute(names.stream().map(s -> "CREATE SCHEMA " + s).toArray(String[]::new));
        return names;
    }

    /** {@code n} tenants brought to {@code revision} by the CLI. */
    private void fleetAt(Revision revision, int n) throws SQLException {
        createTenants(n);
        CliRun run = run("apply", "--db", db.url(), "--schemas", "tenant_%", "--dir", dir.toString(),
                "--to", revision.id(), "--no-progress");
        assertThat(run.exit()).as("%s", run).isZero();
    }

    /** What an agent killed in the middle of a non-transactional upgrade leaves behind. */
    private void markPending(String schema, Revision revision) throws SQLException {
        // The agent numbers its history rows itself (no sequence): one more than the largest.
        try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO " + schema + ".schemafleet_history"
                + " (id, revision, direction, checksum, started_at, agent, outcome)"
                + " SELECT coalesce(max(id), 0) + 1, ?, 'upgrade', ?, now() - interval '1 hour', 'agent@killed',"
                + " 'pending' FROM " + schema + ".schemafleet_history")) {
            ps.setString(1, revision.id());
            ps.setString(2, revision.checksum());
            ps.executeUpdate();
        }
    }

    private List<String> versionRows(String schema) throws SQLException {
        return strings("SELECT version_num FROM " + schema + ".schemafleet_version ORDER BY 1");
    }

    private boolean columnExists(String schema, String table, String column) throws SQLException {
        return !strings("SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                + " AND column_name = ?", schema, table, column).isEmpty();
    }

    private boolean indexIsValid(String schema, String index) throws SQLException {
        return !strings("SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND i.indisvalid", schema, index).isEmpty();
    }

    /** Every table, index, sequence ... in a schema. */
    private List<String> relationsIn(String schema) throws SQLException {
        return strings("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? ORDER BY 1", schema);
    }

    private List<String> strings(String sql, String... params) throws SQLException {
        return strings(db.connection(), sql, params);
    }

    private static List<String> query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return strings(c, sql);
        }
    }

    private static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static JsonNode byTenant(JsonNode results, String tenant) {
        for (JsonNode r : results) {
            if (r.get("tenant").asText().equals(tenant)) {
                return r;
            }
        }
        throw new AssertionError("no result for " + tenant + " in " + results);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
