package io.schemafleet.protocol.revision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transactional revision (the default) holding a statement PostgreSQL never runs in a
 * transaction block is said to be so when the file is read, at the statement's line, rather
 * than failing with SQLSTATE 25001 on every tenant (the file stays readable: it may be
 * published already); the same words where they are not a statement (a comment, a string, a
 * quoted identifier, a function body) are not.
 */
class TransactionBlockStatementsTest {
    private static final Path PATH = Path.of("versions/ab0000000006_index.sql");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "CREATE INDEX CONCURRENTLY ix_users_email ON users (email)         | CREATE INDEX CONCURRENTLY",
            "create index concurrently if not exists ix ON users (email)       | CREATE INDEX CONCURRENTLY",
            "CREATE UNIQUE INDEX CONCURRENTLY ux_users_email ON users (email)  | CREATE UNIQUE INDEX CONCURRENTLY",
            "DROP INDEX CONCURRENTLY ix_users_email                            | DROP INDEX CONCURRENTLY",
            "DROP INDEX CONCURRENTLY IF EXISTS ix_users_email                  | DROP INDEX CONCURRENTLY",
            "REINDEX INDEX CONCURRENTLY ix_users_email                         | REINDEX CONCURRENTLY",
            "REINDEX TABLE CONCURRENTLY users                                  | REINDEX CONCURRENTLY",
            "REINDEX (VERBOSE, CONCURRENTLY) TABLE users                       | REINDEX CONCURRENTLY",
            "REINDEX (CONCURRENTLY true) INDEX ix_users_email                  | REINDEX CONCURRENTLY",
            "REINDEX SCHEMA public                                             | REINDEX SCHEMA",
            "REINDEX DATABASE shop                                             | REINDEX DATABASE",
            "REINDEX SYSTEM shop                                               | REINDEX SYSTEM",
            "VACUUM                                                            | VACUUM",
            "VACUUM (ANALYZE) users                                            | VACUUM",
            "vacuum full users                                                 | VACUUM",
            "CREATE DATABASE shop_eu                                           | CREATE DATABASE",
            "DROP DATABASE IF EXISTS shop_eu                                   | DROP DATABASE",
            "ALTER SYSTEM SET work_mem = '64MB'                                | ALTER SYSTEM",
            "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY      | ALTER TABLE … DETACH PARTITION … CONCURRENTLY",
            "CREATE TABLESPACE fast LOCATION '/ssd/pg'                         | CREATE TABLESPACE",
            "DROP TABLESPACE fast                                              | DROP TABLESPACE"})
    void eachStatementPostgresRefusesInATransactionBlockIsRefusedAtItsLine(String statement, String kind) {
        // given: the statement on line 7, after another statement and a comment
        String text = "-- revision: ab0000000006\n-- down_revision: a1\n-- message: index\n-- +upgrade\n"
                + "ALTER TABLE users ADD COLUMN email text;\n-- then the index\n" + statement + ";\n"
                + "-- +downgrade\nALTER TABLE users DROP COLUMN email;\n";

        // when
        List<RevisionFileException> found = RevisionFile.parse(PATH, text).unrunnableStatements();

        // then
        assertThat(found).as(statement).hasSize(1);
        assertThat(found.get(0).getMessage()).isEqualTo(PATH + ":7: " + kind + " cannot run inside a transaction block, where"
                + " this revision's upgrade runs (transactional: true, the default); PostgreSQL would refuse it on"
                + " every tenant (SQLSTATE 25001): mark the revision '-- transactional: false'");
    }

    @Test
    void theDowngradeIsCheckedTooAndTheLineCountsCrlfAndCrLineEndings() {
        // given: the offending statement on line 10, the file mixing CRLF, CR and LF; transactional said explicitly
        String text = "-- revision: ab0000000006\r\n-- down_revision: a1\r\n-- transactional: true\r\n-- +upgrade\r\n"
                + "CREATE INDEX ix_users_email ON users (email);\r-- +downgrade\r\n"
                + "SELECT 1;\r\n/* a comment\n   over two lines */\r\n  DROP INDEX\n  CONCURRENTLY ix_users_email;\r\n";

        // when
        List<RevisionFileException> found = RevisionFile.parse(PATH, text).unrunnableStatements();

        // then
        assertThat(found).hasSize(1);
        RevisionFileException e = found.get(0);
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.reason()).startsWith("DROP INDEX CONCURRENTLY cannot run inside a transaction block, where this"
                + " revision's downgrade runs (transactional: true); PostgreSQL");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // in comments
            "-- CREATE INDEX CONCURRENTLY ix ON users (email);\nSELECT 1;",
            "/* VACUUM; DROP DATABASE shop; */ SELECT 1;",
            "/* nested /* CREATE DATABASE x; */ ALTER SYSTEM SET a = 1; */ SELECT 1;",
            "SELECT 1; -- then VACUUM\n",
            // in string literals
            "INSERT INTO notes VALUES ('VACUUM'), ('CREATE INDEX CONCURRENTLY x ON t (a)');",
            "INSERT INTO notes VALUES ('it''s; VACUUM');",
            "INSERT INTO notes VALUES (E'\\'; DROP DATABASE shop; ');",
            // in dollar-quoted bodies
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'VACUUM'; PERFORM 1; END $$;",
            "CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x'; $body$;\nDO $$ BEGIN RAISE NOTICE 'DROP TABLESPACE x'; END $$;",
            "SELECT $q$; CREATE DATABASE x; $q$;",
            // in identifiers, or as part of other statements
            "CREATE INDEX \"concurrently\" ON users (email);",
            "CREATE INDEX concurrently_idx ON users (email);",
            "CREATE TABLE vacuum_log (id int); ALTER TABLE vacuum_log ADD COLUMN at timestamptz;",
            "ANALYZE users; REINDEX TABLE users; REINDEX (CONCURRENTLY false) INDEX ix;",
            "ALTER TABLE system ADD COLUMN x int; DROP TABLE database; CREATE TABLE tablespace (id int);",
            "SELECT 'x' AS \"VACUUM\";"})
    void theSameWordsWhereTheyAreNotSuchAStatementAreAccepted(String sql) {
        // given
        String text = "-- revision: ab0000000006\n-- down_revision: a1\n-- +upgrade\n" + sql + "\n-- +downgrade\n" + sql + "\n";

        // when
        RevisionFile file = RevisionFile.parse(PATH, text);

        // then
        assertThat(file.unrunnableStatements()).isEmpty();
        assertThat(file.revision().transactional()).isTrue();
        assertThat(file.revision().upgradeSql()).isEqualTo(sql);
    }

    @Test
    void aNonTransactionalRevisionMayHoldThemAll() {
        // given
        String sql = "CREATE INDEX CONCURRENTLY ix ON users (email);\nCREATE UNIQUE INDEX CONCURRENTLY ux ON users (id);\n"
                + "REINDEX TABLE CONCURRENTLY users;\nVACUUM (ANALYZE) users;\nDROP INDEX CONCURRENTLY ix;\n"
                + "CREATE DATABASE d;\nDROP DATABASE d;\nALTER SYSTEM SET work_mem = '64MB';\n"
                + "CREATE TABLESPACE t LOCATION '/ssd';\nDROP TABLESPACE t;";
        String text = "-- revision: ab0000000006\n-- down_revision: a1\n-- transactional: false\n-- +upgrade\n" + sql
                + "\n-- +downgrade\nDROP INDEX CONCURRENTLY ux;\n";

        // when
        RevisionFile file = RevisionFile.parse(PATH, text);

        // then
        assertThat(file.unrunnableStatements()).isEmpty();
        assertThat(file.revision().transactional()).isFalse();
        assertThat(file.revision().upgradeSql()).isEqualTo(sql);
        assertThat(RevisionFile.render(file.revision())).contains("-- transactional: false\n");
    }
}
