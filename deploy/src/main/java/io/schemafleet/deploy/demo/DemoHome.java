package io.schemafleet.deploy.demo;

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
 * The demo's private directory: PostgreSQL's data and socket directory and the Kafka
 * log, all removed by {@link #close()}. It lives in {@code /dev/shm} where that is a
 * writable tmpfs with room to spare (a fleet in RAM starts and migrates faster), else in
 * {@code java.io.tmpdir}.
 *
 * <p>A demo killed with SIGKILL cannot clean up: its directory and its PostgreSQL server
 * stay behind. The next demo sweeps directories whose owning JVM is gone, stopping their
 * server only if its command line names that directory.
 */
final class DemoHome implements AutoCloseable {
    static final String PREFIX = "schemafleet-demo-";
    private static final String OWNER_FILE = "owner.pid";
    /** Below this much free space on {@code /dev/shm} (Docker gives containers 64 MB), use the temp dir. */
    private static final long SHM_MINIMUM = 1L << 30;

    private final Path path;

    private DemoHome(Path path) {
        this.path = path;
    }

    /** Sweeps abandoned homes, then creates a new one owned by this JVM. */
    static DemoHome create() {
        Path base = baseDirectory();
        sweepAbandoned(base);
        try {
            Path home = Files.createTempDirectory(base, PREFIX);
            Files.writeString(home.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return new DemoHome(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo's data directory in " + base, e);
        }
    }

    Path path() {
        return path;
    }

    /** A directory inside the home, created if missing. */
    Path directory(String name) {
        try {
            return Files.createDirectories(path.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path.resolve(name), e);
        }
    }

    /** Removes the home and everything in it; true if nothing is left. */
    boolean delete() {
        deleteTree(path);
        return !Files.exists(path);
    }

    @Override
    public void close() {
        delete();
    }

    static Path baseDirectory() {
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > SHM_MINIMUM) {
                return shm;
            }
        } catch (IOException e) {
            // fall through to the temp dir
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void sweepAbandoned(Path base) {
        List<Path> homes;
        try (Stream<Path> list = Files.list(base)) {
            homes = list.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList();
        } catch (IOException e) {
            return;
        }
        for (Path home : homes) {
            Optional<Long> owner = readPid(home.resolve(OWNER_FILE));
            if (owner.isEmpty() || ProcessHandle.of(owner.get()).isPresent()) {
                continue; // not ours, or its demo still runs
            }
            readPid(home.resolve(DemoPostgres.DATA_DIR).resolve("postmaster.pid"))
                    .flatMap(ProcessHandle::of)
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(home.toString()))
                            .orElse(false))
                    .ifPresent(postmaster -> {
                        postmaster.destroy(); // SIGTERM: the orphan has no clients left
                        postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
                    });
            deleteTree(home);
        }
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
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: what is left is swept by the next demo
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
