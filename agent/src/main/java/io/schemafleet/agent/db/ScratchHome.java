package io.schemafleet.agent.db;

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
 * A private working directory for an embedded PostgreSQL server (and whatever else
 * belongs with it), owned by this JVM: in {@code /dev/shm} where that is a writable tmpfs
 * with room to spare (a server in RAM starts and migrates much faster), else in
 * {@code java.io.tmpdir}. Used by the demo and by the tests' PostgreSQL.
 *
 * <p>A JVM killed with SIGKILL cannot clean up: its directory and its PostgreSQL server
 * stay behind. Creating a home first sweeps homes of the same prefix whose owning JVM is
 * gone, stopping their server only if its command line names that home.
 */
public final class ScratchHome implements AutoCloseable {
    private static final String OWNER_FILE = "owner.pid";
    /** Below this much free space on {@code /dev/shm} (Docker gives containers 64 MB), use the temp dir. */
    private static final long SHM_MINIMUM = 1L << 30;

    private final Path path;

    private ScratchHome(Path path) {
        this.path = path;
    }

    /**
     * Sweeps abandoned homes named {@code prefix…}, then creates a new one owned by this JVM.
     *
     * @param postgresData where a home keeps PostgreSQL's data directory (relative), to find
     *                     an abandoned server's {@code postmaster.pid}
     */
    public static ScratchHome create(String prefix, String postgresData) {
        Path base = baseDirectory();
        sweepAbandoned(base, prefix, postgresData);
        try {
            Path home = Files.createTempDirectory(base, prefix);
            Files.writeString(home.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return new ScratchHome(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory in " + base, e);
        }
    }

    public Path path() {
        return path;
    }

    /** A directory inside the home, created if missing. */
    public Path directory(String name) {
        try {
            return Files.createDirectories(path.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path.resolve(name), e);
        }
    }

    /** Removes the home and everything in it; true if nothing is left. */
    public boolean delete() {
        deleteTree(path);
        return !Files.exists(path);
    }

    @Override
    public void close() {
        delete();
    }

    @Override
    public String toString() {
        return path.toString();
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

    private static void sweepAbandoned(Path base, String prefix, String postgresData) {
        List<Path> homes;
        try (Stream<Path> list = Files.list(base)) {
            homes = list.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        } catch (IOException e) {
            return;
        }
        for (Path home : homes) {
            Optional<Long> owner = readPid(home.resolve(OWNER_FILE));
            if (owner.isEmpty() || ProcessHandle.of(owner.get()).isPresent()) {
                continue; // not ours, or its JVM still runs
            }
            readPid(home.resolve(postgresData).resolve("postmaster.pid"))
                    .flatMap(ProcessHandle::of)
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(home.toString()))
                            .orElse(false))
                    .ifPresent(postmaster -> {
                        postmaster.destroy(); // SIGTERM: the orphan has no clients left, it stops at once
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
            // best effort: what is left is swept by the next start
        }
    }
}
