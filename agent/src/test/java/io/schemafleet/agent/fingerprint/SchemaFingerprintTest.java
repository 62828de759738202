package io.schemafleet.agent.fingerprint;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaFingerprintTest {
    /** A schema with one of everything the fingerprint covers; {@code s} is the schema name. */
    private static final String DDL = """
            CREATE SCHEMA s;
            CREATE TYPE s.mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE s.accounts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                email text NOT NULL UNIQUE,
                mood s.mood DEFAULT 'ok',
                created_at timestamptz NOT NULL DEFAULT now(),
                name text COLLATE "C");
            CREATE TABLE s.orders (
                id serial PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES s.accounts (id) ON DELETE CASCADE,
                total numeric(12, 2) CHECK (total >= 0),
                total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED);
            CREATE INDEX orders_account_idx ON s.orders (account_id) WHERE total > 0;
            CREATE SEQUENCE s.invoice_no START 1000 INCREMENT 10;
            CREATE VIEW s.big_orders AS
                SELECT o.id, a.email FROM s.orders o JOIN s.accounts a ON a.id = o.account_id WHERE o.total > 100;
            CREATE MATERIALIZED VIEW s.order_counts AS
                SELECT account_id, count(*) AS n FROM s.orders GROUP BY account_id;
            CREATE TABLE s.events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE s.events_2026 PARTITION OF s.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE INDEX events_at_idx ON s.events (at);
            CREATE TABLE s.schemafleet_version (version_num varchar(32) NOT NULL PRIMARY KEY);
            CREATE TABLE s.schemafleet_history (id bigserial PRIMARY KEY, revision text NOT NULL);
            CREATE TABLE s.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
            """;

    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestDatabase.create("tfp");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        db.close();
    }

    @Test
    void identicalDdlInTwoSchemasGivesTheSameFingerprint() throws SQLException {
        // given
        create("tenant_a");
        create("tenant_b");
        // when
        Fingerprint a = fingerprint("tenant_a");
        Fingerprint b = fingerprint("tenant_b");
        // then
        assertThat(a.description()).isEqualTo(b.description()).doesNotContain("tenant_a").doesNotContain("tenant_b");
        assertThat(a.sha256()).isEqualTo(b.sha256()).matches("[0-9a-f]{64}");
    }

    @Test
    void anAddedColumnChangesTheFingerprint() throws SQLException {
        create("tenant_a");
        create("tenant_b");
        db.execute("ALTER TABLE tenant_b.accounts ADD COLUMN phone text");

        Fingerprint a = fingerprint("tenant_a");
        Fingerprint b = fingerprint("tenant_b");

        assertThat(b.sha256()).isNotEqualTo(a.sha256());
        assertThat(b.description()).contains("\n  column phone text\n");
        assertThat(a.description()).doesNotContain("phone");
    }

    @Test
    void anIndexDifferenceChangesTheFingerprint() throws SQLException {
        create("tenant_a");
        create("tenant_b");
        create("tenant_c");
        db.execute("CREATE INDEX accounts_name_idx ON tenant_b.accounts (name)",
                "CREATE INDEX accounts_name_idx ON tenant_c.accounts (lower(name))");

        assertThat(fingerprint("tenant_b").sha256())
                .isNotEqualTo(fingerprint("tenant_a").sha256())
                .isNotEqualTo(fingerprint("tenant_c").sha256());
    }

    @Test
    void rowsAndSequenceValuesDoNotCount() throws SQLException {
        create("tenant_a");
        Fingerprint before = fingerprint("tenant_a");
        db.execute("INSERT INTO tenant_a.accounts (email) VALUES ('a@example.com'), ('b@example.com')",
                "INSERT INTO tenant_a.orders (account_id, total) SELECT id, 150 FROM tenant_a.accounts",
                "REFRESH MATERIALIZED VIEW tenant_a.order_counts",
                "SELECT nextval('tenant_a.invoice_no')",
                "INSERT INTO tenant_a.events VALUES (1, '2026-05-01')");

        assertThat(fingerprint("tenant_a")).isEqualTo(before);
    }

    @Test
    void schemafleetsOwnTablesDoNotCount() throws SQLException {
        // given: the same tenant schema, without Schemafleet's tables
        create("tenant_a");
        create("tenant_b");
        db.execute("DROP TABLE tenant_b.schemafleet_version, tenant_b.schemafleet_history, tenant_b.alembic_version");
        Fingerprint a = fingerprint("tenant_a");
        // when: Schemafleet's tables change as they do in operation
        db.execute("INSERT INTO tenant_a.schemafleet_version VALUES ('801b86be184b')",
                "ALTER TABLE tenant_a.schemafleet_history ADD COLUMN outcome text",
                "CREATE INDEX history_revision_idx ON tenant_a.schemafleet_history (revision)");
        // then
        assertThat(fingerprint("tenant_a")).isEqualTo(a);
        assertThat(fingerprint("tenant_b")).isEqualTo(a);
        assertThat(a.description()).doesNotContain("schemafleet").doesNotContain("alembic")
                .doesNotContain("history_id_seq");
    }

    @Test
    void columnOrderDoesNotCount() throws SQLException {
        db.execute("CREATE SCHEMA tenant_a", "CREATE TABLE tenant_a.t (a int, b text)",
                "CREATE SCHEMA tenant_b", "CREATE TABLE tenant_b.t (x int, b text, a int)",
                "ALTER TABLE tenant_b.t DROP COLUMN x");

        assertThat(fingerprint("tenant_b")).isEqualTo(fingerprint("tenant_a"));
    }

    @Test
    void enumLabelOrderCounts() throws SQLException {
        db.execute("CREATE SCHEMA tenant_a", "CREATE TYPE tenant_a.size AS ENUM ('s', 'm', 'l')",
                "CREATE SCHEMA tenant_b", "CREATE TYPE tenant_b.size AS ENUM ('s', 'l')",
                "ALTER TYPE tenant_b.size ADD VALUE 'm' BEFORE 'l'",
                "CREATE SCHEMA tenant_c", "CREATE TYPE tenant_c.size AS ENUM ('s', 'l', 'm')");

        assertThat(fingerprint("tenant_b")).isEqualTo(fingerprint("tenant_a"));
        assertThat(fingerprint("tenant_c").sha256()).isNotEqualTo(fingerprint("tenant_a").sha256());
    }

    @Test
    void referencesToOtherSchemasStayQualified() throws SQLException {
        db.execute("CREATE SCHEMA shared", "CREATE TABLE shared.countries (code text PRIMARY KEY)",
                "CREATE SCHEMA tenant_a", "CREATE TABLE tenant_a.countries (code text PRIMARY KEY)",
                "CREATE TABLE tenant_a.addresses (country text REFERENCES shared.countries)",
                "CREATE SCHEMA tenant_b", "CREATE TABLE tenant_b.countries (code text PRIMARY KEY)",
                "CREATE TABLE tenant_b.addresses (country text REFERENCES tenant_b.countries)");

        assertThat(fingerprint("tenant_a").description()).contains("REFERENCES shared.countries(code)");
        assertThat(fingerprint("tenant_b").description()).contains("FOREIGN KEY (country) REFERENCES countries(code)");
        assertThat(fingerprint("tenant_a").sha256()).isNotEqualTo(fingerprint("tenant_b").sha256());
    }

    @Test
    void anIndexLeftInvalidByAFailedConcurrentBuildCounts() throws SQLException {
        // given: the same unique index, built in both, fails in tenant_b on duplicate rows
        db.execute("CREATE SCHEMA tenant_a", "CREATE TABLE tenant_a.t (x int)",
                "INSERT INTO tenant_a.t VALUES (1), (2)",
                "CREATE SCHEMA tenant_b", "CREATE TABLE tenant_b.t (x int)",
                "INSERT INTO tenant_b.t VALUES (1), (1)",
                "CREATE UNIQUE INDEX CONCURRENTLY t_x ON tenant_a.t (x)");
        assertThatThrownBy(() -> db.execute("CREATE UNIQUE INDEX CONCURRENTLY t_x ON tenant_b.t (x)"))
                .isInstanceOf(SQLException.class);
        // then
        assertThat(fingerprint("tenant_b").description())
                .contains("  index t_x CREATE UNIQUE INDEX t_x ON t USING btree (x) INVALID\n");
        assertThat(fingerprint("tenant_b").sha256()).isNotEqualTo(fingerprint("tenant_a").sha256());
    }

    @Test
    void schemaNamesThatNeedQuotingAreStrippedToo() throws SQLException {
        db.execute("CREATE SCHEMA \"Tenant_A\"", "CREATE TABLE \"Tenant_A\".t (x int)",
                "CREATE INDEX \"T idx\" ON \"Tenant_A\".t (x)",
                "CREATE SCHEMA tenant_b", "CREATE TABLE tenant_b.t (x int)",
                "CREATE INDEX \"T idx\" ON tenant_b.t (x)");

        Fingerprint a = fingerprint("Tenant_A");

        assertThat(a.description()).contains("  index \"T idx\" CREATE INDEX \"T idx\" ON t USING btree (x)\n");
        assertThat(fingerprint("tenant_b")).isEqualTo(a);
    }

    @Test
    void theDescriptionIsReadable() throws SQLException {
        create("tenant_a");

        String description = fingerprint("tenant_a").description();

        assertThat(description).startsWith("table accounts\n")
                .contains("\n  column email text not null\n")
                .contains("\n  column id bigint not null generated always as identity\n")
                .contains("\n  column mood mood default 'ok'::mood\n")
                .contains("\n  column name text collate \"C\"\n")
                .contains("\n  constraint accounts_email_key UNIQUE (email)\n")
                .contains("\n  constraint orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts(id)"
                        + " ON DELETE CASCADE\n")
                .contains("\n  index orders_account_idx CREATE INDEX orders_account_idx ON orders"
                        + " USING btree (account_id) WHERE (total > (0)::numeric)\n")
                .contains("\n  column id integer not null default nextval('orders_id_seq'::regclass)\n")
                .contains("\n  column total_cents bigint generated always as (((total * (100)::numeric))::bigint)"
                        + " stored\n")
                .contains("\nview big_orders as SELECT o.id, a.email"
                        + " FROM (orders o JOIN accounts a ON ((a.id = o.account_id)))"
                        + " WHERE (o.total > (100)::numeric);\n")
                .contains("\npartitioned table events partition by RANGE (at)\n")
                .contains("\ntable events_2026 partition of events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')\n")
                .contains("\nsequence invoice_no bigint start 1000 increment 10 min 1 max 9223372036854775807 cache 1"
                        + " no cycle\n")
                .contains("\nsequence orders_id_seq integer start 1 increment 1 min 1 max 2147483647 cache 1 no cycle"
                        + " owned by orders.id\n")
                .contains("\nenum mood ('sad', 'ok', 'happy')\n");
    }

    @Test
    void theSearchPathIsRestored() throws SQLException {
        create("tenant_a");
        Connection c = db.connection();
        db.execute("SET search_path = public, \"$user\"");

        fingerprint("tenant_a");

        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("public, \"$user\"");
        }
    }

    @Test
    void insideTheCallersTransactionItsWorkAndSearchPathAreKept() throws SQLException {
        create("tenant_a");
        String alone = fingerprint("tenant_a").sha256();
        Connection c = db.connection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL search_path = public");
            s.execute("CREATE TABLE public.kept (id int)");

            assertThat(fingerprint("tenant_a").sha256()).isEqualTo(alone);

            try (ResultSet rs = s.executeQuery("SELECT current_setting('search_path'), to_regclass('kept')::text")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("public");
                assertThat(rs.getString(2)).as("the caller's uncommitted table").isEqualTo("kept");
            }
            assertThat(c.getAutoCommit()).isFalse();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void aFailureLeavesTheConnectionUsableAndItsSearchPathAsItWas() throws SQLException {
        create("tenant_a");
        Connection c = db.connection();
        db.execute("SET search_path = public", "SET lock_timeout = 200");
        try (Connection other = java.sql.DriverManager.getConnection(db.url()); Statement s = other.createStatement()) {
            // The catalog the fingerprint reads, locked: its read waits, then fails.
            other.setAutoCommit(false);
            s.execute("LOCK TABLE pg_catalog.pg_depend IN ACCESS EXCLUSIVE MODE");

            assertThatThrownBy(() -> fingerprint("tenant_a")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("lock timeout");
            other.rollback();
        }

        assertThat(c.getAutoCommit()).isTrue();
        assertThat(fingerprint("tenant_a").description()).contains("table accounts");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("public");
        }
    }

    @Test
    void aTableNamedLikeItsSchemaKeepsItsNameInViewsAndReferences() throws SQLException {
        // A view qualifies its columns with table names: "acme.id" there is the table acme's column.
        for (String schema : List.of("acme", "beta")) {
            db.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".acme (id int PRIMARY KEY)",
                    "CREATE TABLE " + schema + ".refs (acme_id int REFERENCES " + schema + ".acme (id))",
                    "CREATE VIEW " + schema + ".acme_ids AS SELECT acme.id FROM " + schema + ".acme");
        }

        Fingerprint acme = fingerprint("acme");

        assertThat(acme.description()).contains("view acme_ids as SELECT id FROM acme;")
                .contains("FOREIGN KEY (acme_id) REFERENCES acme(id)");
        assertThat(fingerprint("beta")).isEqualTo(acme);
    }

    @Test
    void anotherSchemaWhoseNameEndsLikeOursStaysQualified() throws SQLException {
        db.execute("CREATE SCHEMA xa", "CREATE TABLE xa.t (id int PRIMARY KEY)",
                "CREATE SCHEMA a", "CREATE TABLE a.t (id int PRIMARY KEY)",
                "CREATE TABLE a.r (t_id int REFERENCES xa.t (id), own_id int REFERENCES a.t (id))");

        assertThat(fingerprint("a").description()).contains("FOREIGN KEY (t_id) REFERENCES xa.t(id)")
                .contains("FOREIGN KEY (own_id) REFERENCES t(id)");
    }

    @Test
    void theReadsArePreparedOnceAndPlannedOncePerSession() throws SQLException {
        create("tenant_a");
        create("tenant_b");

        for (int i = 0; i < 3; i++) {
            fingerprint("tenant_a");
            fingerprint("tenant_b");
        }

        // Six fingerprints of two schemas: every read ran on the one generic plan, none was planned per schema.
        try (Statement s = db.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), min(generic_plans), max(custom_plans)"
                     + " FROM pg_prepared_statements WHERE name LIKE 'schemafleet_fp_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(6);
            assertThat(rs.getLong(2)).isEqualTo(6);
            assertThat(rs.getLong(3)).isZero();
        }
    }

    @Test
    void theKeptPlansLookUpByIndexSoTheyDoNotSlowDownAsTheCatalogGrows() throws SQLException {
        // given: plans made while the database is young (the agent's first look at empty tenants)
        db.execute("CREATE SCHEMA tenant_a");
        fingerprint("tenant_a");
        create("tenant_b");
        fingerprint("tenant_b");
        Connection c = db.connection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // The plans kept for the session's statements (EXPLAIN reuses them under these settings).
            s.execute("SET LOCAL search_path = pg_catalog");
            s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            for (String read : List.of("relations", "columns", "constraints", "indexes", "sequences", "enums")) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE schemafleet_fp_" + read
                        + "('tenant_b'::regnamespace)")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).as(read).contains("Index Scan")
                        .doesNotContain("Seq Scan", "Hash Join", "Merge Join");
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void statementsDroppedBehindItsBackArePreparedAgain() throws SQLException {
        create("tenant_a");
        Fingerprint before = fingerprint("tenant_a");
        // A failed fingerprint makes it read what the session holds before the next one.
        assertThatThrownBy(() -> fingerprint("tenant_missing")).isInstanceOf(SchemafleetException.class);
        db.execute("DEALLOCATE ALL");

        assertThat(fingerprint("tenant_a")).isEqualTo(before);
    }

    @Test
    void aMissingSchemaIsAnError() {
        assertThatThrownBy(() -> fingerprint("tenant_missing"))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("'tenant_missing': it does not exist");
    }

    @Test
    void anEmptySchemaHasAnEmptyDescription() throws SQLException {
        db.execute("CREATE SCHEMA tenant_empty");
        assertThat(fingerprint("tenant_empty").description()).isEmpty();
    }

    private void create(String schema) throws SQLException {
        db.execute(DDL.replace("s.", schema + ".").replace("SCHEMA s;", "SCHEMA " + schema + ";"));
    }

    private Fingerprint fingerprint(String schema) throws SQLException {
        return SchemaFingerprint.of(db.connection(), schema);
    }
}
