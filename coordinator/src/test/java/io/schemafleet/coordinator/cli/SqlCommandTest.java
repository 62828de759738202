package io.schemafleet.coordinator.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.RevisionFixtures.fillSql;
import static io.schemafleet.coordinator.cli.RevisionFixtures.generatedPath;
import static io.schemafleet.coordinator.cli.RevisionFixtures.newRevision;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql upgrade|downgrade}: the offline script. The graph is the merged one of
 * {@link RevisionFixtures}, with SQL, and c300 non-transactional (it builds an index
 * concurrently): upgrade head from empty runs c300, a100, b200, d400.
 */
class SqlCommandTest {
    private static final String CREATE_USERS = "CREATE TABLE users (id bigint PRIMARY KEY);";
    private static final String DROP_USERS = "DROP TABLE users;";
    private static final String ADD_EMAIL = "ALTER TABLE users ADD COLUMN email text;";
    private static final String DROP_EMAIL = "ALTER TABLE users DROP COLUMN email;";
    private static final String CREATE_INDEX = "CREATE INDEX CONCURRENTLY audit_at_idx ON audit (at);";
    private static final String DROP_INDEX = "DROP INDEX CONCURRENTLY audit_at_idx;";

    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void createMergedGraphWithSql() throws Exception {
        dir = tmp.resolve("versions");
        runOk("init", dir.toString());
        fillSql(newRevision(dir, "-m", "create users", "--rev-id", "a100"), CREATE_USERS, DROP_USERS);
        fillSql(newRevision(dir, "-m", "add email", "--rev-id", "b200"), ADD_EMAIL, DROP_EMAIL);
        fillSql(newRevision(dir, "-m", "perf indexes", "--rev-id", "c300", "--head", "base", "--branch-label", "perf",
                "--non-transactional"), CREATE_INDEX, DROP_INDEX);
        generatedPath(runOk("merge", "--dir", dir.toString(), "heads", "-m", "merge perf", "--rev-id", "d400"));
    }

    @Test
    void upgradeHeadFromEmptyCreatesTheVersionTableAndRunsEveryStepInOrder() {
        // when
        String script = runOk("sql", "--dir", dir.toString(), "upgrade", "head").out();

        // then
        List<String> blocks = blocks(script);
        assertThat(blocks).hasSize(6);
        assertThat(blocks.get(0)).isEqualTo("-- Schemafleet offline SQL: upgrade head from an empty version table\n"
                + "-- 4 step(s); version table afterwards: d400");
        assertThat(blocks.get(1)).isEqualTo(
                "CREATE TABLE IF NOT EXISTS schemafleet_version (version_num varchar(64) NOT NULL PRIMARY KEY);");
        assertThat(blocks.get(2)).isEqualTo("-- Running upgrade c300, perf indexes (non-transactional)\n"
                + CREATE_INDEX + "\n"
                + "INSERT INTO schemafleet_version (version_num) VALUES ('c300');");
        assertThat(blocks.get(3)).isEqualTo("-- Running upgrade a100, create users\n"
                + "BEGIN;\n"
                + CREATE_USERS + "\n"
                + "INSERT INTO schemafleet_version (version_num) VALUES ('a100');\n"
                + "COMMIT;");
        assertThat(blocks.get(4)).isEqualTo("-- Running upgrade b200, add email\n"
                + "BEGIN;\n"
                + ADD_EMAIL + "\n"
                + "UPDATE schemafleet_version SET version_num = 'b200' WHERE version_num = 'a100';\n"
                + "COMMIT;");
        // The merge deletes one parent's row and moves the other's to d400; which is which is
        // Alembic's choice (set order), so only the shape is pinned here.
        assertThat(blocks.get(5)).startsWith("-- Running upgrade d400, merge perf\nBEGIN;\n").endsWith("\nCOMMIT;")
                .containsPattern("DELETE FROM schemafleet_version WHERE version_num = '(b200|c300)';")
                .containsPattern("UPDATE schemafleet_version SET version_num = 'd400' WHERE version_num = '(b200|c300)';");
    }

    @Test
    void everyTransactionalStepIsWrappedInBeginCommitAndTheNonTransactionalOneIsNot() {
        String script = runOk("sql", "--dir", dir.toString(), "upgrade", "head").out();

        assertThat(count(script, "BEGIN;")).isEqualTo(3);
        assertThat(count(script, "COMMIT;")).isEqualTo(3);
        String c300 = blocks(script).stream().filter(b -> b.startsWith("-- Running upgrade c300")).findFirst()
                .orElseThrow();
        assertThat(c300).doesNotContain("BEGIN;", "COMMIT;");
    }

    @Test
    void upgradeFromAVersionTableDoesNotCreateIt() {
        String script = runOk("sql", "--dir", dir.toString(), "upgrade", "head", "--from", "a100").out();

        assertThat(script).doesNotContain("CREATE TABLE IF NOT EXISTS")
                .startsWith("-- Schemafleet offline SQL: upgrade head from a100\n")
                .doesNotContain(CREATE_USERS)
                .contains(CREATE_INDEX, ADD_EMAIL, "INSERT INTO schemafleet_version (version_num) VALUES ('c300');");
    }

    @Test
    void downgradeRunsTheDowngradeSqlNewestFirstAndEmptiesTheVersionTable() {
        // when
        String script = runOk("sql", "--dir", dir.toString(), "downgrade", "base", "--from", "b200").out();

        // then
        assertThat(script).doesNotContain("CREATE TABLE", CREATE_USERS, ADD_EMAIL, DROP_INDEX);
        assertThat(script.indexOf(DROP_EMAIL)).isPositive().isLessThan(script.indexOf(DROP_USERS));
        assertThat(script).contains(
                "UPDATE schemafleet_version SET version_num = 'a100' WHERE version_num = 'b200';",
                "DELETE FROM schemafleet_version WHERE version_num = 'a100';",
                "-- 2 step(s); version table afterwards: (empty)");
    }

    @Test
    void versionTableOptionNamesTheTableInEveryStatement() {
        String script = runOk("sql", "--dir", dir.toString(), "upgrade", "head", "--version-table", "alembic_version")
                .out();

        assertThat(script).doesNotContain("schemafleet_version").contains(
                "CREATE TABLE IF NOT EXISTS alembic_version (",
                "INSERT INTO alembic_version (version_num) VALUES ('a100');",
                "UPDATE alembic_version SET version_num = 'b200' WHERE version_num = 'a100';");
    }

    @Test
    void versionTableMayBeSchemaQualified() {
        assertThat(runOk("sql", "--dir", dir.toString(), "upgrade", "a100", "--version-table", "ops.schema_version")
                .out()).contains("INSERT INTO ops.schema_version (version_num) VALUES ('a100');");
    }

    @Test
    void versionTableThatIsNotAPlainIdentifierIsRefused() {
        CliRunner.Result result = runFailing("sql", "--dir", dir.toString(), "upgrade", "head",
                "--version-table", "x; drop");

        assertThat(result.err()).contains("'x; drop'");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void sqlToAnUnknownDestinationFailsInOneLine() {
        assertThat(runFailing("sql", "--dir", dir.toString(), "upgrade", "zzzz").out()).isEmpty();
    }

    @Test
    void sqlStampIsAUsageError() {
        assertThat(run("sql", "--dir", dir.toString(), "stamp", "head").exitCode()).isEqualTo(2);
    }

    /** The script's paragraphs, separated by blank lines (the SQL here has none inside). */
    private static List<String> blocks(String script) {
        return Arrays.stream(script.strip().split("\n\n")).map(String::strip).toList();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
