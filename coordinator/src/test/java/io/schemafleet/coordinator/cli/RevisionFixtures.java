package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revision directories for the CLI tests, built with the CLI itself (fixed ids, so
 * that load order and expected plans are known), and helpers to read them back.
 *
 * <pre>
 *   a100 "create users"  &lt;-  b200 "add email"
 *   c300 "perf indexes" (branch label perf)
 *   d400 "merge perf": merges b200 and c300         (only in {@link #merged})
 * </pre>
 */
final class RevisionFixtures {
    private RevisionFixtures() {
    }

    /** a100 &lt;- b200, and a second root c300 (perf): heads b200 and c300. */
    static Path branched(Path dir) {
        runOk("init", dir.toString());
        newRevision(dir, "-m", "create users", "--rev-id", "a100");
        newRevision(dir, "-m", "add email", "--rev-id", "b200");
        newRevision(dir, "-m", "perf indexes", "--rev-id", "c300", "--head", "base", "--branch-label", "perf");
        return dir;
    }

    /** {@link #branched} plus d400 merging its two heads: one head, d400. */
    static Path merged(Path dir) {
        branched(dir);
        Path merge = generatedPath(runOk("merge", "--dir", dir.toString(), "heads", "-m", "merge perf",
                "--rev-id", "d400"));
        assertThat(merge).exists();
        return dir;
    }

    /** Runs {@code revision --dir dir args...}, which must succeed; the file it wrote. */
    static Path newRevision(Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("revision", "--dir", dir.toString()));
        all.addAll(List.of(args));
        Path written = generatedPath(runOk(all.toArray(String[]::new)));
        assertThat(written).exists();
        return written;
    }

    /** The path in {@code Generating PATH ... done}. */
    static Path generatedPath(CliRunner.Result result) {
        assertThat(result.outLines()).as("%s", result).hasSize(1);
        String line = result.outLines().get(0);
        assertThat(line).startsWith("Generating ").endsWith(" ... done");
        return Path.of(line.substring("Generating ".length(), line.length() - " ... done".length()));
    }

    /** The file of revision {@code id} in {@code dir}. */
    static Path fileOf(Path dir, String id) {
        return load(dir).file(id).orElseThrow().path();
    }

    /** Replaces the empty sections of a generated file with this SQL. */
    static void fillSql(Path file, String upgradeSql, String downgradeSql) throws IOException {
        String text = Files.readString(file);
        String empty = "-- +upgrade\n-- +downgrade\n";
        assertThat(text).endsWith(empty);
        Files.writeString(file, text.replace(empty,
                "-- +upgrade\n" + upgradeSql + "\n-- +downgrade\n" + downgradeSql + "\n"));
    }

    /** Writes a revision file by hand, one argument per line. */
    static Path writeFile(Path dir, String name, String... lines) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** Reads the directory back with the protocol's loader; it must be valid. */
    static RevisionDirectory load(Path dir) {
        RevisionDirectory loaded = RevisionDirectory.load(dir);
        assertThat(loaded.problems()).isEmpty();
        return loaded;
    }

    static Revision revision(Path dir, String id) {
        return load(dir).file(id).orElseThrow().revision();
    }

    static List<String> sqlFileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
    }
}
