package io.schemafleet.deploy.bench;

import io.schemafleet.deploy.Main;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code schemafleet} command ({@link Main}) in a JVM of its own, on this JVM's class
 * path, so that its memory is its own: {@link #memory()} reads the kernel's view of the
 * process ({@code /proc/PID/status}). Output goes to a log file, shown when it dies.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java JVM_OPTIONS -cp <class path> io.schemafleet.deploy.Main ARGS}. */
    static ChildJvm start(String name, String jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!jvmOptions.isBlank()) {
            command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Path log = Files.createTempFile("schemafleet-bench-" + name + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(name, process, log);
    }

    /** Resident memory now and at its peak, from {@code /proc/PID/status} (VmRSS, VmHWM). */
    Memory memory() throws IOException {
        long rss = -1;
        long peak = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("VmHWM:")) {
                peak = kilobytes(line);
            }
        }
        if (rss < 0 || peak < 0) {
            throw new IllegalStateException("no VmRSS/VmHWM in /proc/" + process.pid() + "/status");
        }
        return new Memory(rss, peak);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /**
     * Waits until the process has used less than a tenth of a core over a second (a JVM just
     * started compiles its startup code for a while), or {@code limit} has passed: so that a
     * timed run measures the work, not the JIT compiler of a process started just before it.
     */
    void awaitQuiet(java.time.Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long ticksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
        long before = cpuTicks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            long now = cpuTicks();
            if (now - before < ticksPerSecond / 10) {
                return;
            }
            before = now;
        }
    }

    /** User and system CPU time so far, in clock ticks ({@code /proc/PID/stat} fields 14 and 15). */
    private long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Throws, with the end of its log, if the process has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; its log ends:\n"
                    + tail());
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 20 s; removes the log. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    /** Resident set size of a process, now and at its peak, in kB. */
    record Memory(long rssKb, long peakKb) {
        double rssMb() {
            return rssKb / 1024.0;
        }

        double peakMb() {
            return peakKb / 1024.0;
        }
    }
}
