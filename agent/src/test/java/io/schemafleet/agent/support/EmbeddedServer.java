package io.schemafleet.agent.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL behind {@link TestPostgres}: zonky's binaries, with the data
 * directory and socket directory in a private home under {@code /dev/shm} where that
 * exists. Measured here under a loaded 2-core machine: {@code CREATE DATABASE} took
 * ~250 ms on the ext4 disk even with fsync off, ~10 ms on tmpfs.
 *
 * <p>A test JVM killed with SIGKILL cannot run its shutdown hook and leaves its home
 * (RAM, on tmpfs) and its postmaster behind; the next start sweeps homes whose owning
 * JVM is gone, stopping their postmaster only if its command line names that home.
 */
final class EmbeddedServer {
    private static final String HOME_PREFIX = "sf-pg-";
    private static final String OWNER_FILE = "owner.pid";

    private EmbeddedServer() {
    }

    /** Starts a server and registers a shutdown hook that stops it and removes its home. */
    static EmbeddedPostgres start() {
        Path base = baseDirectory();
        sweepAbandoned(base);
        try {
            Path home = Files.createTempDirectory(base, HOME_PREFIX);
            Files.writeString(home.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            Path sockets = Files.createDirectory(home.resolve("sockets"));
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(home.resolve("data"))
                    .setCleanDataDirectory(true)
                    // Private, so no other server on the same port number shares the socket.
                    .setServerConfig("unix_socket_directories", sockets.toString())
                    .setRegisterShutdownHook(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, home), "test-postgres-stop"));
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + base, e);
        }
    }

    private static Path baseDirectory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void stop(EmbeddedPostgres pg, Path home) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("TestPostgres: stopping embedded PostgreSQL: " + e.getMessage());
        }
        deleteTree(home);
    }

    private static void sweepAbandoned(Path base) {
        List<Path> homes;
        try (Stream<Path> list = Files.list(base)) {
            homes = list.filter(p -> p.getFileName().toString().startsWith(HOME_PREFIX)).toList();
        } catch (IOException e) {
            return;
        }
        for (Path home : homes) {
            Optional<Long> owner = readPid(home.resolve(OWNER_FILE));
            if (owner.isEmpty() || ProcessHandle.of(owner.get()).isPresent()) {
                continue; // not ours, or its JVM still runs
            }
            readPid(home.resolve("data").resolve("postmaster.pid"))
                    .flatMap(ProcessHandle::of)
                    .filter(p -> commandLineMentions(p, home))
                    .ifPresent(EmbeddedServer::terminate);
            deleteTree(home);
        }
    }

    private static boolean commandLineMentions(ProcessHandle process, Path home) {
        return process.info().arguments().map(args -> String.join(" ", args).contains(home.toString())).orElse(false);
    }

    private static void terminate(ProcessHandle postmaster) {
        postmaster.destroy(); // SIGTERM: the orphan has no clients left, it stops at once
        postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private static Optional<Long> readPid(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover directory is swept by the next start
        }
    }
}
