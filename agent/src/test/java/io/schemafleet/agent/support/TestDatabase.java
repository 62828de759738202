package io.schemafleet.agent.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh database on the shared {@link TestPostgres} for one test, dropped on close:
 * {@code try (var db = TestDatabase.create("t")) { ... db.url() ... }}.
 */
public final class TestDatabase implements AutoCloseable {
    private final String name;
    private final String url;
    private Connection connection;

    private TestDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    /** Creates a database named {@code prefix_<run>_<n>}. */
    public static TestDatabase create(String prefix) {
        TestPostgres server = TestPostgres.server();
        String name = server.createDatabaseNamed(prefix);
        return new TestDatabase(name, server.jdbcUrl(name));
    }

    public String name() {
        return name;
    }

    /** JDBC URL with credentials. */
    public String url() {
        return url;
    }

    /**
     * A connection owned by this object (autocommit on), opened on first use and again if
     * someone closed it; closed with the database.
     */
    public synchronized Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url);
        }
        return connection;
    }

    /** Runs each statement in turn on {@link #connection()}. */
    public void execute(String... sql) throws SQLException {
        try (Statement s = connection().createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /**
     * The first column of every row of {@code sql}, read on a connection of its own (so
     * that it never waits on, or closes, a connection a test holds).
     */
    public java.util.List<String> query(String sql) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws SQLException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            TestPostgres.server().dropDatabase(name);
        }
    }
}
