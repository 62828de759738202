package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.RevisionFixtures.merged;
import static io.schemafleet.coordinator.cli.RevisionFixtures.writeFile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check}: every problem of a directory as {@code file:line: reason}, file
 * problems (the protocol module's malformed corpus) and graph problems alike.
 */
class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One line of the corpus' {@code expectations.txt}. */
    record Expectation(String file, int line, String fragment) {
    }

    /** {@code protocol/src/test/resources/malformed}, found from wherever the tests run. */
    static Path malformedCorpus() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path corpus = p.resolve("protocol/src/test/resources/malformed");
            if (Files.isDirectory(corpus)) {
                return corpus;
            }
        }
        throw new IllegalStateException("protocol/src/test/resources/malformed not found above "
                + Path.of("").toAbsolutePath());
    }

    static List<Expectation> expectations() throws IOException {
        List<Expectation> out = new ArrayList<>();
        for (String line : Files.readAllLines(malformedCorpus().resolve("expectations.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" \\| ", 3);
            out.add(new Expectation(parts[0].strip(), Integer.parseInt(parts[1].strip()), parts[2].strip()));
        }
        out.sort(Comparator.comparing(Expectation::file));
        return out;
    }

    @Test
    void validDirectoryIsOk() {
        // given
        Path dir = merged(tmp.resolve("versions"));

        // when
        CliRunner.Result result = runOk("check", "--dir", dir.toString());

        // then
        assertThat(result.out()).isEqualTo("OK: 4 revisions, 1 head(s): d400\n");
    }

    @Test
    void validDirectoryJsonIsOkWithNoProblems() {
        Path dir = merged(tmp.resolve("versions"));

        assertThat(runOk("check", "--dir", dir.toString(), "--json").out())
                .isEqualTo("{\"ok\":true,\"revisions\":4,\"problems\":[],\"warnings\":[]}\n");
    }

    @Test
    void aStatementPostgresRefusesInATransactionIsWarnedOfAtItsLineAndTheDirectoryStaysUsable() throws Exception {
        // given: a transactional revision building an index concurrently, on line 5 (it may be published already)
        Path dir = tmp.resolve("versions");
        writeFile(dir, "ab0000000001_index.sql", "-- revision: ab0000000001", "-- down_revision:", "-- +upgrade",
                "CREATE TABLE t (id int);", "CREATE INDEX CONCURRENTLY ix ON t (id);", "-- +downgrade", "DROP TABLE t;");

        // when
        CliRunner.Result text = run("check", "--dir", dir.toString());
        CliRunner.Result json = run("check", "--dir", dir.toString(), "--json");

        // then
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.out()).isEqualTo("OK: 1 revisions, 1 head(s): ab0000000001\n");
        assertThat(text.err()).isEqualTo("warning: " + dir.resolve("ab0000000001_index.sql") + ":5: CREATE INDEX"
                + " CONCURRENTLY cannot run inside a transaction block, where this revision's upgrade runs (transactional:"
                + " true, the default); PostgreSQL would refuse it on every tenant (SQLSTATE 25001): mark the revision"
                + " '-- transactional: false'\n");
        JsonNode warning = JSON.readTree(json.out()).path("warnings").get(0);
        assertThat(warning.path("line").asInt()).isEqualTo(5);
        assertThat(warning.path("type").asText()).isEqualTo("OutsideTransactionOnly");
    }

    @Test
    void malformedCorpusReportsEveryFileAtItsLineWithoutStackTraces() throws Exception {
        // given
        Path corpus = malformedCorpus();
        List<Expectation> expected = expectations();

        // when
        CliRunner.Result result = run("check", "--dir", corpus.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.showsJavaInternals()).as("%s", result).isFalse();
        List<String> lines = result.outLines();
        assertThat(lines).as("one line per problem").hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Expectation e = expected.get(i);
            assertThat(lines.get(i)).as("problem %d, in file-name order", i)
                    .startsWith(corpus.resolve(e.file()) + ":" + e.line() + ": ")
                    .contains(e.fragment());
        }
        assertThat(result.err()).isEqualTo(expected.size() + " problem(s) in " + corpus + "\n");
    }

    @Test
    void malformedCorpusJsonListsEveryProblemWithFileLineTypeAndMessage() throws Exception {
        // given
        Path corpus = malformedCorpus();
        List<Expectation> expected = expectations();

        // when
        CliRunner.Result result = run("check", "--dir", corpus.toString(), "--json");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.showsJavaInternals()).as("%s", result).isFalse();
        assertThat(result.outLines()).hasSize(1);
        JsonNode answer = JSON.readTree(result.out());
        assertThat(fieldNames(answer)).containsExactly("ok", "revisions", "problems", "warnings");
        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("revisions").asInt()).isZero();
        JsonNode problems = answer.get("problems");
        assertThat(problems).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode p = problems.get(i);
            Expectation e = expected.get(i);
            assertThat(fieldNames(p)).containsExactly("file", "line", "type", "message");
            assertThat(p.get("file").asText()).isEqualTo(corpus.resolve(e.file()).toString());
            assertThat(p.get("line").asInt()).as(e.file()).isEqualTo(e.line());
            assertThat(p.get("type").asText()).isEqualTo("RevisionError");
            assertThat(p.get("message").asText()).contains(e.fragment());
        }
    }

    @Test
    void aFileLargerThanTheCoordinatorTakesIsReportedWithItsSize() throws Exception {
        // given: a valid file of 2,000 bytes and a limit of 1,000
        Path dir = tmp.resolve("versions");
        Path big = writeFile(dir, "a100_big.sql", "-- revision: a100", "-- +upgrade", "SELECT 1; -- " + "x".repeat(1950));
        int bytes = Files.readAllBytes(big).length;

        // when
        CliRunner.Result limited = run("check", "--dir", dir.toString(), "--max-revision-bytes", "1000");
        CliRunner.Result byDefault = run("check", "--dir", dir.toString());

        // then
        assertThat(limited.exitCode()).as("%s", limited).isEqualTo(1);
        assertThat(limited.outLines()).containsExactly(big + ":1: " + bytes + " bytes, more than the 1000 a revision"
                + " file may have (schemafleet.max-revision-bytes): split it into several revisions");
        assertThat(byDefault.exitCode()).as("%s", byDefault).isZero();
    }

    @Test
    void unknownParentIsReportedAtTheDownRevisionLine() throws Exception {
        // given
        Path dir = tmp.resolve("versions");
        writeFile(dir, "a100_base.sql", "-- revision: a100", "-- down_revision:", "-- +upgrade");
        Path orphan = writeFile(dir, "b200_orphan.sql",
                "-- its parent was deleted",
                "-- revision: b200",
                "-- message: orphan",
                "-- down_revision: zzzz",
                "-- +upgrade");

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.outLines()).containsExactly(
                orphan + ":4: Revision zzzz referenced from b200 is not present");
        assertThat(result.err()).isEqualTo("1 problem(s) in " + dir + "\n");
    }

    @Test
    void unknownDependencyIsReportedAtTheDependsOnLine() throws Exception {
        // given
        Path dir = tmp.resolve("versions");
        writeFile(dir, "a100_base.sql", "-- revision: a100", "-- +upgrade");
        Path file = writeFile(dir, "b200_dep.sql",
                "-- revision: b200", "-- down_revision: a100", "-- depends_on: nosuch", "-- +upgrade");

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.outLines()).hasSize(1);
        assertThat(result.outLines().get(0)).startsWith(file + ":3: ").contains("nosuch");
    }

    @Test
    void branchLabelUsedTwiceIsReportedAtTheSecondUse() throws Exception {
        // given
        Path dir = tmp.resolve("versions");
        writeFile(dir, "a100_first.sql", "-- revision: a100", "-- branch_labels: perf", "-- +upgrade");
        Path second = writeFile(dir, "c300_second.sql",
                "-- revision: c300", "-- message: also perf", "-- branch_labels: perf", "-- +upgrade");

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.outLines()).containsExactly(
                second + ":3: Branch name 'perf' in revision c300 already used by revision a100");
    }

    @Test
    void cycleIsReportedInBothFilesAsCycleDetected() throws Exception {
        // given
        Path dir = tmp.resolve("versions");
        writeFile(dir, "a100_base.sql", "-- revision: a100", "-- +upgrade");
        Path b = writeFile(dir, "b200_loop.sql", "-- revision: b200", "-- down_revision: c300", "-- +upgrade");
        Path c = writeFile(dir, "c300_loop.sql",
                "-- revision: c300", "-- message: back to b200", "-- down_revision: b200", "-- +upgrade");

        // when
        CliRunner.Result text = run("check", "--dir", dir.toString());
        CliRunner.Result json = run("check", "--dir", dir.toString(), "--json");

        // then
        assertThat(text.exitCode()).as("%s", text).isEqualTo(1);
        assertThat(text.outLines()).hasSize(2);
        assertThat(text.outLines()).anySatisfy(line -> assertThat(line).startsWith(b + ":2: "));
        assertThat(text.outLines()).anySatisfy(line -> assertThat(line).startsWith(c + ":3: "));

        assertThat(json.exitCode()).as("%s", json).isEqualTo(1);
        JsonNode answer = JSON.readTree(json.out());
        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("revisions").asInt()).isEqualTo(3);
        List<String> places = new ArrayList<>();
        for (JsonNode p : answer.get("problems")) {
            assertThat(p.get("type").asText()).isEqualTo("CycleDetected");
            places.add(p.get("file").asText() + ":" + p.get("line").asInt());
        }
        assertThat(places).containsExactlyInAnyOrder(b + ":2", c + ":3");
    }

    @Test
    void dependencyCycleIsReportedAsDependencyCycleDetected() throws Exception {
        // given
        Path dir = tmp.resolve("versions");
        writeFile(dir, "a100_base.sql", "-- revision: a100", "-- depends_on: b200", "-- +upgrade");
        writeFile(dir, "b200_next.sql", "-- revision: b200", "-- down_revision: a100", "-- +upgrade");

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString(), "--json");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        JsonNode problems = JSON.readTree(result.out()).get("problems");
        assertThat(problems).isNotEmpty();
        assertThat(problems).allSatisfy(p -> assertThat(p.get("type").asText()).isEqualTo("DependencyCycleDetected"));
    }

    @Test
    void fileAndGraphProblemsAreReportedTogether() throws Exception {
        // given
        Path dir = merged(tmp.resolve("versions"));
        Path broken = writeFile(dir, "e500_broken.sql", "-- revision: e500", "-- down_revison: d400", "-- +upgrade");
        Path orphan = writeFile(dir, "f600_orphan.sql", "-- revision: f600", "-- down_revision: e500", "-- +upgrade");

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.outLines()).hasSize(2);
        assertThat(result.outLines().get(0)).startsWith(broken + ":2: unknown header 'down_revison'");
        assertThat(result.outLines().get(1)).isEqualTo(
                orphan + ":2: Revision e500 referenced from f600 is not present");
        assertThat(result.err()).isEqualTo("2 problem(s) in " + dir + "\n");
    }

    @Test
    void copiedFileWithAnUnchangedIdIsReportedAtItsRevisionLine() throws Exception {
        // given
        Path dir = merged(tmp.resolve("versions"));
        Path copy = dir.resolve("e500_copy.sql");
        Files.copy(RevisionFixtures.fileOf(dir, "b200"), copy);

        // when
        CliRunner.Result result = run("check", "--dir", dir.toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.outLines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith(copy + ":1: "))
                .anySatisfy(line -> assertThat(line).contains("duplicate revision id 'b200'"));
    }

    @Test
    void missingDirectoryFailsInOneLine() {
        CliRunner.Result result = CliRunner.runFailing("check", "--dir", tmp.resolve("nope").toString());

        assertThat(result.err()).contains("does not exist");
        assertThat(result.out()).isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
