package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.schemafleet.coordinator.cli.CliRunner.errorType;
import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code diff} against a recording stand-in for the API: its output, and diff(1)'s exit statuses 0, 1 and 2. */
class DiffCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIFFERENT = """
            {"tenant":"t2","against":"t4","against_majority":true,
             "fingerprints":{"t2":"1c0e5a7b9d3f2e11","t4":"9b7d0c4a6e8f1a22"},"identical":false,
             "lines":["@@ table users","    column is_active boolean not null","-   column nickname text"]}""";

    private final RecordingCoordinator api = new RecordingCoordinator();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void identicalSchemasExitZero() throws Exception {
        api.answer("POST /api/drift/diff", 200, """
                {"tenant":"t1","against":"t2","against_majority":false,
                 "fingerprints":{"t1":"1c0e5a7b9d3f2e11","t2":"1c0e5a7b9d3f2e11"},"identical":true,"lines":[]}""");

        CliRunner.Result result = runOk("diff", "t1", "t2", "--url", api.url());

        assertThat(JSON.readTree(api.only("POST", "/api/drift/diff").body()))
                .isEqualTo(JSON.readTree("{\"tenant\":\"t1\",\"against\":\"t2\"}"));
        assertThat(result.outLines()).containsExactly("--- t1 1c0e5a7b9d3f", "+++ t2 1c0e5a7b9d3f",
                "identical schemas");
    }

    @Test
    void differentSchemasExitOneAndPrintTheHunksWithTheirTables() throws Exception {
        api.answer("POST /api/drift/diff", 200, DIFFERENT);

        CliRunner.Result result = run("diff", "t2", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).isEmpty();
        assertThat(JSON.readTree(api.only("POST", "/api/drift/diff").body()))
                .as("no OTHER: the coordinator picks a tenant with the majority's schema")
                .isEqualTo(JSON.readTree("{\"tenant\":\"t2\"}"));
        assertThat(result.outLines()).containsExactly("--- t2 1c0e5a7b9d3f",
                "+++ t4 9b7d0c4a6e8f (has the majority's schema)", "@@ table users",
                "    column is_active boolean not null", "-   column nickname text");
    }

    @Test
    void troubleExitsTwoSoThatOneAlwaysMeansTheSchemasDiffer() {
        api.answer("POST /api/drift/diff", 503, "{\"error\":{\"type\":\"NoDescription\",\"message\":"
                + "\"no schema description from t4 (agent a2, never heard) within 15 s: is its agent running?\"}}");

        CliRunner.Result result = run("diff", "t2", "t4", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).as("%s", result).hasSize(1);
        assertThat(result.err()).startsWith("error: no schema description from t4 (agent a2, never heard)")
                .contains("503");

        api.answer("POST /api/drift/diff", 404, "{\"error\":{\"type\":\"NotFound\","
                + "\"message\":\"no tenant 'nobody' has reported\"}}");
        CliRunner.Result json = run("diff", "nobody", "--url", api.url(), "--json");
        assertThat(json.exitCode()).as("%s", json).isEqualTo(2);
        assertThat(errorType(json)).isEqualTo("NotFound");
    }

    @Test
    void otherCommandsStillExitOneWhenRefused() {
        CliRunner.Result result = run("retry", "nobody", "--url", api.url());

        assertThat(result.exitCode()).as("the stand-in answers 404: %s", result).isEqualTo(1);
    }
}
