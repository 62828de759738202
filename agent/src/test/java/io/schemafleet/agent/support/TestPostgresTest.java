package io.schemafleet.agent.support;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresTest {
    private final TestPostgres server = TestPostgres.server();

    @Test
    void createsAFreshDatabaseThatDatabasesCanUseWithoutCredentials() throws SQLException {
        // given
        String url = server.createDatabase("tpg");
        String name = databaseOf(url);
        try (Databases databases = new Databases(DbCredentials.NONE, 2)) {
            // when
            try (Connection c = databases.open(url); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA app");
                s.execute("CREATE TABLE app.t (id int)");
                // then: connected to the new database, and it started empty
                assertThat(queryString(c, "SELECT current_database()")).isEqualTo(name);
                assertThat(queryString(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'")).isEqualTo("1");
                assertThat(queryString(c, "SELECT count(*) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).isEqualTo("0");
            }
        } finally {
            server.dropDatabase(name);
        }
        assertThat(exists(name)).isFalse();
    }

    @Test
    void namesAreUniqueAndCarryThePrefix() {
        String a = server.createDatabaseNamed("tpg_unique");
        String b = server.createDatabaseNamed("tpg_unique");
        try {
            assertThat(a).startsWith("tpg_unique_").isNotEqualTo(b);
            assertThat(server.jdbcUrl(a)).contains("/" + a).contains("user=");
        } finally {
            server.dropDatabase(a);
            server.dropDatabase(b);
        }
    }

    @Test
    void dropClosesOpenConnectionsAndToleratesAMissingDatabase() throws SQLException {
        TestDatabase db = TestDatabase.create("tpg_drop");
        Connection open = db.connection();
        db.close();
        assertThat(exists(db.name())).isFalse();
        assertThat(open.isValid(2)).isFalse();
        server.dropDatabase(db.name()); // again: no error
    }

    @Test
    void testDatabaseIsDroppedOnClose() throws SQLException {
        String name;
        try (TestDatabase db = TestDatabase.create("tpg_td")) {
            name = db.name();
            db.execute("CREATE SCHEMA s", "CREATE TABLE s.t (x int)", "INSERT INTO s.t VALUES (1)");
            assertThat(queryString(db.connection(), "SELECT sum(x) FROM s.t")).isEqualTo("1");
            assertThat(exists(name)).isTrue();
        }
        assertThat(exists(name)).isFalse();
    }

    @Test
    void createsTwentyDatabases() {
        long start = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add(server.createDatabaseNamed("tpg_many"));
        }
        long created = System.nanoTime();
        names.forEach(server::dropDatabase);
        long dropped = System.nanoTime();
        System.err.printf("TestPostgres: 20 databases created in %d ms, dropped in %d ms%n",
                (created - start) / 1_000_000, (dropped - created) / 1_000_000);
        assertThat(names).doesNotHaveDuplicates().noneMatch(this::exists);
    }

    private boolean exists(String database) {
        try (Connection c = server.admin();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String databaseOf(String url) {
        String path = url.substring(0, url.indexOf('?'));
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
