package io.schemafleet.deploy.fault;

import io.schemafleet.agent.db.ScratchHome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of one test's own (zonky's embedded binaries, as the shared test
 * server), which the test may stop and start again: same data directory, same port, so
 * clients reconnect to the same URL and find their data, as after a real restart. The
 * shared server cannot be restarted under the other tests. Stopping is {@code pg_ctl stop}'s
 * fast mode: open transactions roll back, every connection is closed.
 */
final class RestartablePostgres implements AutoCloseable {
    private final ScratchHome home = ScratchHome.create("sf-pg-fault-", "data");
    private final Path data = home.path().resolve("data");
    private int port;
    private EmbeddedPostgres server;

    private RestartablePostgres() {
    }

    /** Starts a fresh server (initdb) on a free port. */
    static RestartablePostgres start() {
        RestartablePostgres pg = new RestartablePostgres();
        try {
            pg.startServer();
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** The port it listens on (the same after a restart). */
    int port() {
        return port;
    }

    /** Creates database {@code name}; returns its JDBC URL with the superuser's credentials. */
    String createDatabase(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return server.getJdbcUrl("postgres", name);
    }

    /** Stops the server (fast shutdown) and waits until it is down. */
    void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL in " + data, e);
        } finally {
            server = null;
        }
    }

    /** Starts the stopped server again on its data directory and port; returns once it accepts connections. */
    void restart() {
        if (server != null) {
            throw new IllegalStateException("PostgreSQL is running");
        }
        startServer();
    }

    private void startServer() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setServerConfig("unix_socket_directories", home.directory("sockets").toString())
                    .setRegisterShutdownHook(false);
            if (port != 0) {
                builder.setPort(port);
            }
            server = builder.start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + data, e);
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                stop();
            }
        } finally {
            home.delete();
        }
    }
}
