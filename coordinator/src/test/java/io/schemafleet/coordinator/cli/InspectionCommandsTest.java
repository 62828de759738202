package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static io.schemafleet.coordinator.cli.CliRunner.errorType;
import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.RevisionFixtures.branched;
import static io.schemafleet.coordinator.cli.RevisionFixtures.merged;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code heads}, {@code history} and {@code resolve} over the {@link RevisionFixtures#branched}
 * graph (a100 &lt;- b200; c300 labelled perf) and, where said, the merged one. Expected
 * values are Alembic's for the same graph.
 */
class InspectionCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void createBranchedGraph() {
        dir = branched(tmp.resolve("versions"));
    }

    @Test
    void headsListsEachHeadWithItsBranchLabels() {
        assertThat(runOk("heads", "--dir", dir.toString()).outLines())
                .containsExactly("b200 (head)", "c300 (perf) (head)");
    }

    @Test
    void headsJsonIsAnArrayOfIds() {
        assertThat(runOk("heads", "--dir", dir.toString(), "--json").out()).isEqualTo("[\"b200\",\"c300\"]\n");
    }

    @Test
    void historyListsRevisionsFromHeadToBase() {
        assertThat(runOk("history", "--dir", dir.toString()).outLines()).containsExactly(
                "a100 -> b200 (head), add email",
                "<base> -> a100, create users",
                "<base> -> c300 (perf) (head), perf indexes");
    }

    @Test
    void historyOfAMergeListsTheMergeFirstThenEachBranch() {
        // given
        Path mergedDir = merged(tmp.resolve("merged"));

        // then
        assertThat(runOk("history", "--dir", mergedDir.toString()).outLines()).containsExactly(
                "b200, c300 -> d400 (perf) (head) (mergepoint), merge perf",
                "a100 -> b200, add email",
                "<base> -> a100, create users",
                "<base> -> c300 (perf), perf indexes");
    }

    @Test
    void historyJsonGivesIdParentsLabelsDependenciesAndMessage() {
        assertThat(runOk("history", "--dir", dir.toString(), "--json").out()).isEqualTo("["
                + "{\"revision\":\"b200\",\"down_revisions\":[\"a100\"],\"branch_labels\":[],\"depends_on\":[],"
                + "\"message\":\"add email\"},"
                + "{\"revision\":\"a100\",\"down_revisions\":[],\"branch_labels\":[],\"depends_on\":[],"
                + "\"message\":\"create users\"},"
                + "{\"revision\":\"c300\",\"down_revisions\":[],\"branch_labels\":[\"perf\"],\"depends_on\":[],"
                + "\"message\":\"perf indexes\"}"
                + "]\n");
    }

    @Test
    void historyJsonListsDependencies() {
        // given
        RevisionFixtures.newRevision(dir, "-m", "uses perf", "--head", "b200", "--depends-on", "perf",
                "--rev-id", "e500");

        // when
        JsonNode history = json(runOk("history", "--dir", dir.toString(), "--json", "--range", "b200:e500"));

        // then
        assertThat(history.get(0).get("revision").asText()).isEqualTo("e500");
        assertThat(history.get(0).get("depends_on").toString()).isEqualTo("[\"perf\"]");
    }

    @Test
    void historyRangeListsOnlyTheRevisionsBetweenItsEnds() {
        assertThat(revisions(runOk("history", "--dir", dir.toString(), "--range", "a100:b200", "--json")))
                .isEqualTo("[b200, a100]");
        assertThat(revisions(runOk("history", "--dir", dir.toString(), "--range", "c300:", "--json")))
                .isEqualTo("[c300]");
        assertThat(runOk("history", "--dir", dir.toString(), "-r", "a100:b200").outLines()).containsExactly(
                "a100 -> b200 (head), add email",
                "<base> -> a100, create users");
    }

    @Test
    void historyRangeWhoseStartIsNotAnAncestorOfItsEndFails() {
        // when
        CliRunner.Result result = run("history", "--dir", dir.toString(), "--range", "b200:c300", "--json");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("RangeNotAncestorError");
        assertThat(runFailing("history", "--dir", dir.toString(), "--range", "b200:c300").err())
                .contains("b200").contains("c300");
    }

    @Test
    void historyRangeWithoutAColonIsACommandError() {
        CliRunner.Result result = run("history", "--dir", dir.toString(), "--range", "b200", "--json");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("CommandError");
    }

    @ParameterizedTest(name = "resolve {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            heads     | ["b200","c300"]
            base      | []
            b2        | ["b200"]
            c300      | ["c300"]
            perf@head | ["c300"]
            perf@base | []
            -1        | ["a100","base"]
            -2        | ["base",null]
            perf@-1   | ["base"]
            """)
    void resolveJsonNamesTheRevisionsOfASymbol(String symbol, String expected) {
        assertThat(runOk("resolve", "--dir", dir.toString(), "--json", symbol).out()).isEqualTo(expected + "\n");
    }

    @Test
    void resolveHeadOfASingleHeadGraphIsThatHead() {
        // given
        Path mergedDir = merged(tmp.resolve("merged"));

        // then
        assertThat(runOk("resolve", "--dir", mergedDir.toString(), "--json", "head").out()).isEqualTo("[\"d400\"]\n");
        assertThat(runOk("resolve", "--dir", mergedDir.toString(), "--json", "heads").out())
                .isEqualTo("[\"d400\"]\n");
    }

    @Test
    void resolveHeadWithTwoHeadsFailsWithMultipleHeads() {
        // when
        CliRunner.Result result = run("resolve", "--dir", dir.toString(), "--json", "head");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("MultipleHeads");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void resolveAnUnknownSymbolFailsWithResolutionError() {
        CliRunner.Result result = run("resolve", "--dir", dir.toString(), "--json", "zzzz");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("ResolutionError");
        assertThat(runFailing("resolve", "--dir", dir.toString(), "zzzz").err()).contains("zzzz");
    }

    @Test
    void resolveTextPrintsOneIdPerLine() {
        assertThat(runOk("resolve", "--dir", dir.toString(), "heads").outLines()).containsExactly("b200", "c300");
    }

    private static JsonNode json(CliRunner.Result result) {
        try {
            assertThat(result.outLines()).as("%s", result).hasSize(1);
            return JSON.readTree(result.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + result, e);
        }
    }

    private static String revisions(CliRunner.Result result) {
        StringBuilder ids = new StringBuilder("[");
        json(result).forEach(r -> ids.append(ids.length() > 1 ? ", " : "").append(r.get("revision").asText()));
        return ids.append(']').toString();
    }
}
