package io.schemafleet.coordinator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.schemafleet.coordinator.cli.CliRunner.errorType;
import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.RevisionFixtures.branched;
import static io.schemafleet.coordinator.cli.RevisionFixtures.writeFile;
import static org.assertj.core.api.Assertions.assertThat;

/** How the CLI fails: exit status, one line on stderr (or JSON), never a stack trace. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "heads", "history", "resolve heads", "plan upgrade head", "sql upgrade head",
            "revision -m x", "merge heads -m x", "check"})
    void missingRevisionsDirectoryFailsInOneLinePointingAtInit(String command) {
        // given
        Path missing = tmp.resolve("versions");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(1, List.of("--dir", missing.toString()));

        // when
        CliRunner.Result result = runFailing(args.toArray(String[]::new));

        // then
        assertThat(result.err()).contains(missing.toString()).contains("schemafleet init");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void missingRevisionsDirectoryWithJsonIsAJsonCommandError() {
        CliRunner.Result result = run("heads", "--dir", tmp.resolve("versions").toString(), "--json");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("CommandError");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void brokenFileMakesHeadsFailNamingFileAndLine() throws Exception {
        // given
        Path dir = branched(tmp.resolve("versions"));
        Path broken = writeFile(dir, "e500_broken.sql",
                "-- revision: e500", "-- down_revision: b200", "-- TODO: write this", "-- +upgrade");

        // when
        CliRunner.Result result = runFailing("heads", "--dir", dir.toString());

        // then
        assertThat(result.err()).startsWith("error: " + broken + ":3: ").contains("unknown header 'TODO'");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void brokenFileWithJsonIsAJsonRevisionError() throws Exception {
        // given
        Path dir = branched(tmp.resolve("versions"));
        Path broken = writeFile(dir, "e500_broken.sql", "-- revision: e500", "-- transactional: yes", "-- +upgrade");

        // when
        CliRunner.Result result = run("heads", "--dir", dir.toString(), "--json");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("RevisionError");
        assertThat(result.out()).contains(broken + ":2: ");
    }

    @Test
    void severalBrokenFilesNameTheFirstAndPointAtCheck() throws Exception {
        // given
        Path dir = branched(tmp.resolve("versions"));
        Path first = writeFile(dir, "e500_broken.sql", "-- revision: e500", "-- +upgrade", "-- +Downgrade");
        writeFile(dir, "f600_broken.sql", "");

        // when
        CliRunner.Result result = runFailing("history", "--dir", dir.toString());

        // then
        assertThat(result.err()).startsWith("error: " + first + ":3: ")
                .contains("(and 1 more in the files; `schemafleet check` lists them, and any problem of the graph"
                        + " they form)");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRunner.Result result = run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing command");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRunner.Result result = run("upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.showsJavaInternals()).isFalse();
    }

    @Test
    void helpAndVersionSucceed() {
        assertThat(runOk("--help").out()).contains("Usage: schemafleet", "revision", "plan", "check");
        assertThat(runOk("--version").out()).isEqualTo("schemafleet 0.1.0\n");
    }
}
