package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.schemafleet.coordinator.cli.CliRunner.errorType;
import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.CliRunner.runWithStdin;
import static io.schemafleet.coordinator.cli.RevisionFixtures.merged;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} over the {@link RevisionFixtures#merged} graph: a100 &lt;- b200, c300 (perf),
 * d400 merging b200 and c300, loaded in that order. The expected steps are what Alembic
 * 1.8 does for the same graph: where branches are unordered, ties go by load order, so
 * an upgrade from empty runs c300 first (its branch joins the merge last, and the
 * topological sort walks the first parent's line before it).
 */
class PlanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void createMergedGraph() {
        dir = merged(tmp.resolve("versions"));
    }

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("upgrade head", plan("upgrade", List.of("c300", "a100", "b200", "d400"), "d400")),
                Arguments.of("upgrade heads", plan("upgrade", List.of("c300", "a100", "b200", "d400"), "d400")),
                Arguments.of("upgrade head --from a100", plan("upgrade", List.of("c300", "b200", "d400"), "d400")),
                Arguments.of("upgrade head --from b200,c300", plan("upgrade", List.of("d400"), "d400")),
                Arguments.of("upgrade head --from d400", plan("upgrade", List.of(), "d400")),
                Arguments.of("upgrade b200", plan("upgrade", List.of("a100", "b200"), "b200")),
                Arguments.of("upgrade a100@+1 --from a100", plan("upgrade", List.of("b200"), "b200")),
                Arguments.of("upgrade +2 --from a100", plan("upgrade", List.of("c300", "b200", "d400"), "d400")),
                Arguments.of("downgrade base --from d400",
                        plan("downgrade", List.of("d400", "b200", "a100", "c300"))),
                Arguments.of("downgrade perf@base --from d400", plan("downgrade", List.of("d400", "c300"), "b200")),
                Arguments.of("downgrade a100 --from d400",
                        plan("downgrade", List.of("d400", "b200"), "a100", "c300")),
                Arguments.of("downgrade -1 --from b200", plan("downgrade", List.of("b200"), "a100")),
                Arguments.of("stamp b200", plan("stamp", List.of(), "b200")),
                Arguments.of("stamp c300 --from b200", plan("stamp", List.of(), "b200", "c300")),
                Arguments.of("stamp b200 --from d400", plan("stamp", List.of(), "b200")),
                Arguments.of("stamp base --from d400", plan("stamp", List.of())),
                Arguments.of("stamp heads --from a100", plan("stamp", List.of(), "d400")));
    }

    @ParameterizedTest(name = "plan {0}")
    @MethodSource("plans")
    void planJsonGivesAlembicsStepsAndVersionTableAfterwards(String question, String expected) {
        List<String> args = new ArrayList<>(List.of("plan", "--dir", dir.toString(), "--json"));
        args.addAll(List.of(question.split(" ")));

        assertThat(runOk(args.toArray(String[]::new)).out()).isEqualTo(expected + "\n");
    }

    @Test
    void planUpgradeHeadFromEmptyJsonIsExactlyThis() {
        assertThat(runOk("plan", "--dir", dir.toString(), "upgrade", "head", "--json").out()).isEqualTo(
                "{\"steps\":[{\"revision\":\"c300\",\"direction\":\"upgrade\"},"
                        + "{\"revision\":\"a100\",\"direction\":\"upgrade\"},"
                        + "{\"revision\":\"b200\",\"direction\":\"upgrade\"},"
                        + "{\"revision\":\"d400\",\"direction\":\"upgrade\"}],"
                        + "\"heads_after\":[\"d400\"]}\n");
    }

    @Test
    void planTextListsStepsThenTheVersionTableAfterwards() {
        assertThat(runOk("plan", "--dir", dir.toString(), "upgrade", "head", "--from", "a100").outLines())
                .containsExactly(
                        "upgrade   c300  perf indexes",
                        "upgrade   b200  add email",
                        "upgrade   d400  merge perf",
                        "version table after: d400");
        assertThat(runOk("plan", "--dir", dir.toString(), "downgrade", "base", "--from", "d400").outLines())
                .endsWith("version table after: (empty)");
        assertThat(runOk("plan", "--dir", dir.toString(), "stamp", "b200").outLines())
                .containsExactly("(no steps)", "version table after: b200");
    }

    @Test
    void planTextMarksANonTransactionalStep() {
        // given
        RevisionFixtures.newRevision(dir, "-m", "index concurrently", "--rev-id", "e500", "--non-transactional");

        // then
        assertThat(runOk("plan", "--dir", dir.toString(), "upgrade", "head", "--from", "d400").outLines())
                .containsExactly("upgrade   e500  index concurrently  [non-transactional]",
                        "version table after: e500");
    }

    @Test
    void planWithoutAnOperationIsAUsageError() {
        CliRunner.Result result = run("plan", "--dir", dir.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.err()).contains("plan upgrade|downgrade|stamp DEST").contains("Usage:");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void planWithAnUnknownOperationOrNoDestinationIsAUsageError() {
        CliRunner.Result sideways = run("plan", "--dir", dir.toString(), "sideways", "head");
        assertThat(sideways.exitCode()).isEqualTo(2);
        assertThat(sideways.err()).contains("unknown operation 'sideways'; expected: plan upgrade|downgrade|stamp");
        assertThat(run("plan", "--dir", dir.toString(), "upgrade").exitCode()).isEqualTo(2);
    }

    @Test
    void planToAnUnknownDestinationFailsInOneLine() {
        CliRunner.Result result = runFailing("plan", "--dir", dir.toString(), "upgrade", "zzzz");

        assertThat(result.err()).contains("zzzz");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void planJsonToAnUnknownDestinationPrintsAResolutionErrorObject() throws Exception {
        // when
        CliRunner.Result result = run("plan", "--dir", dir.toString(), "upgrade", "zzzz", "--json");

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).hasSize(1);
        JsonNode answer = JSON.readTree(result.out());
        assertThat(answer.properties()).hasSize(1);
        assertThat(answer.get("error").get("type").asText()).isEqualTo("ResolutionError");
        assertThat(answer.get("error").get("message").asText()).contains("zzzz");
        assertThat(result.out()).startsWith("{\"error\":{\"type\":\"ResolutionError\",\"message\":\"");
    }

    @Test
    void planFromAnUnknownRevisionFailsWithResolutionError() {
        CliRunner.Result result = run("plan", "--dir", dir.toString(), "upgrade", "head", "--from", "zzzz", "--json");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("ResolutionError");
    }

    @Test
    void planToARangeIsACommandError() {
        CliRunner.Result result = run("plan", "--dir", dir.toString(), "upgrade", "a100:b200", "--json");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("CommandError");
    }

    // ---- plan --batch ---------------------------------------------------------------

    /** Questions in, and for each the exact answer line, or the error type for a bad one. */
    private static final List<String[]> BATCH = List.of(
            new String[] {"{\"op\":\"heads\"}", "[\"d400\"]"},
            new String[] {"{\"op\":\"resolve\",\"symbol\":\"b2\"}", "[\"b200\"]"},
            new String[] {"{\"op\":\"history\",\"range\":\"a100:b200\"}", "["
                    + "{\"revision\":\"b200\",\"down_revisions\":[\"a100\"],\"branch_labels\":[],\"depends_on\":[],"
                    + "\"message\":\"add email\"},"
                    + "{\"revision\":\"a100\",\"down_revisions\":[],\"branch_labels\":[],\"depends_on\":[],"
                    + "\"message\":\"create users\"}]"},
            new String[] {"{\"op\":\"upgrade\",\"to\":\"head\",\"from\":[]}",
                    plan("upgrade", List.of("c300", "a100", "b200", "d400"), "d400")},
            new String[] {"{\"op\":\"nope\"}", "error:UsageError"},
            new String[] {"{\"op\":\"downgrade\",\"to\":\"perf@base\",\"from\":[\"d400\"]}",
                    plan("downgrade", List.of("d400", "c300"), "b200")},
            new String[] {"{\"op\": \"upgrade\", \"to\": ", "error:UsageError"},
            new String[] {"{\"op\":\"stamp\",\"to\":\"c300\",\"from\":[\"b200\"]}", plan("stamp", List.of(), "b200", "c300")},
            new String[] {"{\"op\":\"upgrade\",\"to\":\"zzzz\",\"from\":[]}", "error:ResolutionError"},
            new String[] {"{\"op\":\"resolve\"}", "error:UsageError"},
            new String[] {"{\"op\":\"history\"}", "["
                    + "{\"revision\":\"d400\",\"down_revisions\":[\"b200\",\"c300\"],\"branch_labels\":[],"
                    + "\"depends_on\":[],\"message\":\"merge perf\"},"
                    + "{\"revision\":\"b200\",\"down_revisions\":[\"a100\"],\"branch_labels\":[],\"depends_on\":[],"
                    + "\"message\":\"add email\"},"
                    + "{\"revision\":\"a100\",\"down_revisions\":[],\"branch_labels\":[],\"depends_on\":[],"
                    + "\"message\":\"create users\"},"
                    + "{\"revision\":\"c300\",\"down_revisions\":[],\"branch_labels\":[\"perf\"],\"depends_on\":[],"
                    + "\"message\":\"perf indexes\"}]"});

    /** The batch input: the questions, with blank lines among them that get no answer. */
    private static String batchInput() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < BATCH.size(); i++) {
            lines.add(BATCH.get(i)[0]);
            if (i == 2 || i == 6) {
                lines.add(i == 2 ? "" : "   ");
            }
        }
        return String.join("\n", lines) + "\n";
    }

    @Test
    void batchAnswersEveryQuestionLineInOrderAndBadOnesWithAnError() throws Exception {
        // given
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"), batchInput());

        // when
        CliRunner.Result result = runOk("plan", "--dir", dir.toString(), "--batch", questions.toString());

        // then
        assertBatchAnswers(result);
    }

    @Test
    void batchReadsStandardInputForDash() throws Exception {
        // when
        CliRunner.Result result = runWithStdin(batchInput(), "plan", "--dir", dir.toString(), "--batch", "-");

        // then
        assertThat(result.exitCode()).as("%s", result).isZero();
        assertBatchAnswers(result);
    }

    @Test
    void batchErrorsSayWhichInputLineWasBad() throws Exception {
        // given
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"), "\n{\"op\":\"heads\"}\n{\"op\":\"nope\"}\n");

        // when
        CliRunner.Result result = runOk("plan", "--dir", dir.toString(), "--batch", questions.toString());

        // then
        assertThat(result.outLines()).hasSize(2);
        assertThat(JSON.readTree(result.outLines().get(1)).get("error").get("message").asText())
                .startsWith("line 3: ").contains("nope");
    }

    @Test
    void batchNeverTakesAFromThatIsNotAListForAnEmptyVersionTable() throws Exception {
        // given: "from" given as a string instead of a list
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"),
                "{\"op\":\"upgrade\",\"to\":\"head\",\"from\":\"b200\"}\n");

        // when
        CliRunner.Result result = runOk("plan", "--dir", dir.toString(), "--batch", questions.toString());

        // then: refused as a bad question, or read as ["b200"]; planning from an empty
        // table would re-run a100 and b200 on a database that has them
        String answer = result.out().strip();
        assertThat(answer).as("answer to from:\"b200\"").satisfiesAnyOf(
                a -> assertThat(JSON.readTree(a).path("error").path("type").asText()).isEqualTo("UsageError"),
                a -> assertThat(a).isEqualTo(plan("upgrade", List.of("c300", "d400"), "d400")));
    }

    @Test
    void batchWithAnEmptyFileAnswersNothing() throws Exception {
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"), "");

        assertThat(runOk("plan", "--dir", dir.toString(), "--batch", questions.toString()).out()).isEmpty();
    }

    @Test
    void batchWithAMissingFileFailsWithAJsonErrorAndNoStackTrace() throws Exception {
        // when
        CliRunner.Result result = run("plan", "--dir", dir.toString(), "--batch", tmp.resolve("missing.jsonl").toString());

        // then
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.showsJavaInternals()).as("%s", result).isFalse();
        assertThat(result.outLines()).as("%s", result).hasSize(1);
        assertThat(JSON.readTree(result.out()).get("error").get("message").asText()).contains("missing.jsonl");
    }

    @Test
    void batchTogetherWithAnOperationIsAUsageError() throws Exception {
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"), "{\"op\":\"heads\"}\n");

        CliRunner.Result result = run("plan", "--dir", dir.toString(), "--batch", questions.toString(), "upgrade", "head");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.out()).isEmpty();
    }

    private static void assertBatchAnswers(CliRunner.Result result) throws Exception {
        assertThat(result.outLines()).as("%s", result).hasSize(BATCH.size());
        for (int i = 0; i < BATCH.size(); i++) {
            String question = BATCH.get(i)[0];
            String expected = BATCH.get(i)[1];
            String answer = result.outLines().get(i);
            if (expected.startsWith("error:")) {
                JsonNode error = JSON.readTree(answer).get("error");
                assertThat(error).as("answer to %s: %s", question, answer).isNotNull();
                assertThat(error.get("type").asText()).as("answer to %s", question)
                        .isEqualTo(expected.substring("error:".length()));
                assertThat(error.get("message").asText()).as("answer to %s", question).isNotBlank();
            } else {
                assertThat(answer).as("answer to %s", question).isEqualTo(expected);
            }
        }
    }

    /** The {@code plan --json} answer: these steps, all in one direction, then these rows. */
    static String plan(String direction, List<String> revisions, String... headsAfter) {
        String steps = revisions.stream()
                .map(r -> "{\"revision\":\"" + r + "\",\"direction\":\"" + direction + "\"}")
                .collect(Collectors.joining(","));
        String heads = Stream.of(headsAfter).map(h -> "\"" + h + "\"").collect(Collectors.joining(","));
        return "{\"steps\":[" + steps + "],\"heads_after\":[" + heads + "]}";
    }
}
