package io.schemafleet.agent.support;

import io.schemafleet.agent.tenant.Identifiers;
import io.schemafleet.agent.tenant.JdbcUrls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, shared by every test; each test makes its
 * own database ({@link #createDatabase}, or {@link TestDatabase}). Where the server
 * comes from, in order:
 * <ol>
 *   <li>an existing server: {@code SCHEMAFLEET_TEST_PG_URL} is a JDBC URL of a
 *       maintenance database on it, reached as a superuser ({@code SCHEMAFLEET_TEST_PG_USER},
 *       {@code SCHEMAFLEET_TEST_PG_PASSWORD});</li>
 *   <li>embedded binaries from Maven Central (zonky {@link EmbeddedPostgres}, see
 *       {@link EmbeddedServer}), started on first use and stopped by a JVM shutdown hook.</li>
 * </ol>
 * Testcontainers would be the third choice where Docker runs; it is not on the classpath
 * because the build machines have no Docker daemon.
 *
 * <p>Database names carry a random token per JVM, so test runs sharing an existing
 * server do not collide. Every URL handed out carries {@code user}/{@code password}
 * parameters, so {@code Databases} with {@code DbCredentials.NONE} can connect.
 */
public final class TestPostgres {
    private static TestPostgres server;

    private final String adminUrl;
    private final String description;
    private final long startMillis;
    private final String createOptions;
    private final String run = randomToken();
    private final AtomicInteger counter = new AtomicInteger();

    private TestPostgres(String adminUrl, String description, long startNanos) {
        this.adminUrl = adminUrl;
        this.description = description;
        this.createOptions = createOptions();
        this.startMillis = (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The shared server, started (or connected to) on first call. */
    public static synchronized TestPostgres server() {
        if (server == null) {
            String url = System.getenv("SCHEMAFLEET_TEST_PG_URL");
            server = url == null || url.isBlank()
                    ? embedded()
                    : existing(url, System.getenv("SCHEMAFLEET_TEST_PG_USER"),
                            System.getenv("SCHEMAFLEET_TEST_PG_PASSWORD"));
            System.err.println("TestPostgres: " + server.description + " ready in " + server.startMillis + " ms");
        }
        return server;
    }

    /**
     * Creates a brand-new, empty database named {@code prefix_<run>_<n>} and returns its
     * JDBC URL. {@code prefix} must be a safe identifier of at most 50 characters.
     */
    public String createDatabase(String prefix) {
        return jdbcUrl(createDatabaseNamed(prefix));
    }

    /** As {@link #createDatabase}, but returns the new database's name. */
    public String createDatabaseNamed(String prefix) {
        if (prefix == null || prefix.length() > 50) {
            throw new IllegalArgumentException("database prefix must be 1 to 50 characters: " + prefix);
        }
        String name = Identifiers.requireSafe(prefix + "_" + run + "_" + counter.incrementAndGet(), "database name");
        execute("CREATE DATABASE " + Identifiers.quote(name) + createOptions);
        return name;
    }

    /** JDBC URL of {@code database} on this server, with credentials. */
    public String jdbcUrl(String database) {
        return JdbcUrls.withDatabase(adminUrl, database);
    }

    /** Drops {@code name}, closing anyone's connections to it first; no error if it is gone. */
    public void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
    }

    /** A new superuser connection to the maintenance database; the caller closes it. */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl);
    }

    /** JDBC URL of the maintenance database, with credentials. */
    public String adminUrl() {
        return adminUrl;
    }

    /** How long the server took to start (or to answer, if it already existed). */
    public long startMillis() {
        return startMillis;
    }

    private void execute(String sql) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /*
     * template0: an existing server's template1 may hold extensions or objects; tests
     * want an empty database. FILE_COPY (PostgreSQL 15+): measured here, embedded
     * PostgreSQL 17 on tmpfs, fsync off, 20 databases: create 200-290 ms and drop
     * 80-170 ms, against 280-580 ms and 190-610 ms with the default WAL_LOG, which writes
     * the whole template through the WAL.
     */
    private String createOptions() {
        try (Connection c = admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1) >= 150000 ? " TEMPLATE template0 STRATEGY FILE_COPY" : " TEMPLATE template0";
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach test PostgreSQL at " + JdbcUrls.redact(adminUrl) + ": "
                    + e.getMessage(), e);
        }
    }

    private static TestPostgres existing(String url, String user, String password) {
        long start = System.nanoTime();
        String withCredentials = withParam(withParam(url, "user", user), "password", password);
        return new TestPostgres(withCredentials, "existing PostgreSQL at " + JdbcUrls.redact(url), start);
    }

    private static TestPostgres embedded() {
        long start = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedServer.start();
        return new TestPostgres(pg.getJdbcUrl("postgres", "postgres"),
                "embedded PostgreSQL on port " + pg.getPort(), start);
    }

    private static String withParam(String url, String name, String value) {
        if (value == null) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String randomToken() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }
}
