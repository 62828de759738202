package io.schemafleet.deploy.demo;

import io.schemafleet.agent.db.ScratchHome;
import io.schemafleet.protocol.SchemafleetException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The demo's PostgreSQL server: zonky's embedded binaries (from Maven Central, unpacked
 * once into {@code java.io.tmpdir/embedded-pg} and reused), run as a child process with
 * its data directory and unix socket directory inside the demo's home. Listens on a free
 * port on localhost; user {@code postgres}, no password (trust), fsync off.
 */
final class DemoPostgres implements AutoCloseable {
    /** Where the data directory lives, relative to the demo's home. */
    static final String DATA_DIR = "postgres/data";
    static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private DemoPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static DemoPostgres start(ScratchHome home) {
        Path data = home.path().resolve(DATA_DIR);
        Path sockets = home.directory("postgres/sockets");
        try {
            Files.createDirectories(data.getParent());
            return new DemoPostgres(EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    // Private, so no other server on the same port number shares the socket file.
                    .setServerConfig("unix_socket_directories", sockets.toString())
                    .setRegisterShutdownHook(false)
                    .start());
        } catch (IOException e) {
            throw new SchemafleetException("cannot start the embedded PostgreSQL in " + data + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            // zonky's message when the jar carries no binaries for this platform
            throw new SchemafleetException("cannot start the embedded PostgreSQL: " + e.getMessage()
                    + " (the distribution carries PostgreSQL binaries for linux-amd64; this is "
                    + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "-" + System.getProperty("os.arch")
                    + ")", e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** JDBC URL of a database on this server (user and password are passed separately). */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** The URL for {@code psql}. */
    String psqlUrl(String database) {
        return "postgresql://" + USER + "@localhost:" + port() + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    /** Runs SQL (several statements may be joined with {@code ;}) in a database. */
    void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Stops the server (fast shutdown) and waits for it to exit. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
