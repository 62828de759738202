package io.schemafleet.deploy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time PostgreSQL's client backends spent on one database, read from
 * {@code /proc/PID/stat} of each backend connected to it: the server's share of a phase.
 * On a machine the server shares with everything else, the ratio of two phases follows
 * the server's work per step more than anything else, so each convergence phase reports it.
 * Only where the server runs on this machine (the embedded one, or an existing one on
 * localhost): a backend counts only if its process title names the database, which a
 * process of another PID namespace (a container) would not. A backend that exits within
 * the phase is not counted; the benchmark's connection pools keep theirs open throughout.
 */
final class ServerCpu {
    /** Linux's {@code USER_HZ}: the unit of {@code utime} and {@code stime}, 100 on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ServerCpu() {
    }

    /** CPU ticks (user, system) of each backend of a database at one moment. */
    record Snapshot(Map<Integer, long[]> ticks) {
    }

    /** CPU milliseconds a step, in user and in system (kernel) mode. */
    record PerStep(double userMillis, double systemMillis) {
        /** The mean of two measurements of the same thing; empty unless both were taken. */
        static Optional<PerStep> mean(Optional<PerStep> a, Optional<PerStep> b) {
            return a.flatMap(x -> b.map(y -> new PerStep((x.userMillis + y.userMillis) / 2,
                    (x.systemMillis + y.systemMillis) / 2)));
        }

        double totalMillis() {
            return userMillis + systemMillis;
        }

        /** {@code measured} as {@link #toString}, or "unknown" where the server is not on this machine. */
        static String text(Optional<PerStep> measured) {
            return measured.map(PerStep::toString).orElse("unknown");
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.2f + %.2f ms", userMillis, systemMillis);
        }
    }

    /** The database's client backends now, those that can be read on this machine. */
    static Snapshot take(Connection admin, String database) throws SQLException {
        Map<Integer, long[]> ticks = new HashMap<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT pid FROM pg_stat_activity"
                + " WHERE datname = ? AND backend_type = 'client backend'")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    read(pid, database).ifPresent(t -> ticks.put(pid, t));
                }
            }
        }
        return new Snapshot(ticks);
    }

    /**
     * What the backends in {@code after} spent since {@code before}, a step: a backend that
     * was not there before started within the phase and counts from zero. Empty when no
     * backend could be read at the end.
     */
    static Optional<PerStep> perStep(Snapshot before, Snapshot after, long steps) {
        if (after.ticks().isEmpty()) {
            return Optional.empty();
        }
        long user = 0;
        long system = 0;
        for (Map.Entry<Integer, long[]> e : after.ticks().entrySet()) {
            long[] start = before.ticks().getOrDefault(e.getKey(), new long[2]);
            user += e.getValue()[0] - start[0];
            system += e.getValue()[1] - start[1];
        }
        double perStep = 1000 / TICKS_PER_SECOND / steps;
        return Optional.of(new PerStep(user * perStep, system * perStep));
    }

    /** Ticks (user, system) of the process {@code pid}, if it is a backend of {@code database} on this machine. */
    private static Optional<long[]> read(int pid, String database) {
        try {
            String title = Files.readString(Path.of("/proc", Integer.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            if (!title.startsWith("postgres") || !title.contains(" " + database + " ")) {
                return Optional.empty();
            }
            return Optional.of(ticks(Files.readString(Path.of("/proc", Integer.toString(pid), "stat"))));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // not on this machine, or the backend just exited
        }
    }

    /**
     * {@code utime} and {@code stime} of a {@code /proc/PID/stat} line: the 14th and 15th
     * fields, counted after the command name, which is in parentheses and may hold spaces.
     */
    static long[] ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }
}
