package io.schemafleet.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load averages (1, 5, 15 minutes) as {@code uptime} shows them, from {@code /proc/loadavg}. */
record Load(String one, String five, String fifteen) {
    static Load now() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new Load(f[0], f[1], f[2]);
        } catch (IOException e) {
            return new Load("?", "?", "?");
        }
    }

    @Override
    public String toString() {
        return one + " " + five + " " + fifteen;
    }
}
