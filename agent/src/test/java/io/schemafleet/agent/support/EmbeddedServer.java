package io.schemafleet.agent.support;

import io.schemafleet.agent.db.ScratchHome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The embedded PostgreSQL behind {@link TestPostgres}: zonky's binaries, with the data
 * directory and socket directory in a private home under {@code /dev/shm} where that
 * exists. Measured here under a loaded 2-core machine: {@code CREATE DATABASE} took
 * ~250 ms on the ext4 disk even with fsync off, ~10 ms on tmpfs.
 *
 * <p>A test JVM killed with SIGKILL leaves its home and postmaster behind; the next start
 * sweeps them ({@link ScratchHome}).
 */
final class EmbeddedServer {
    private static final String HOME_PREFIX = "sf-pg-";

    private EmbeddedServer() {
    }

    /** Starts a server and registers a shutdown hook that stops it and removes its home. */
    static EmbeddedPostgres start() {
        ScratchHome home = ScratchHome.create(HOME_PREFIX, "data");
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(home.path().resolve("data"))
                    .setCleanDataDirectory(true)
                    // Private, so no other server on the same port number shares the socket.
                    .setServerConfig("unix_socket_directories", home.directory("sockets").toString())
                    .setRegisterShutdownHook(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, home), "test-postgres-stop"));
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + home, e);
        }
    }

    private static void stop(EmbeddedPostgres pg, ScratchHome home) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("TestPostgres: stopping embedded PostgreSQL: " + e.getMessage());
        }
        home.delete();
    }
}
