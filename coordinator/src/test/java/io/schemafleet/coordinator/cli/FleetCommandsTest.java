package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static io.schemafleet.coordinator.cli.CliRunner.errorType;
import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet commands against a recording stand-in for the API: the requests they build
 * (methods, paths, bodies, the token), how they print answers, and their exit status.
 */
class FleetCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLEET = """
            {"destination":"head","rollout":"r-1","destination_heads":["c8626eb4ecaa"],"tenants":30,"converged":20,
             "by_state":{"converged":20,"failed":10},"by_heads":{"5e656b9e303b":10,"c8626eb4ecaa":20},"agents":2,
             "poison_records":7,"rollout_state":"running"}""";
    private static final String FAILED_TENANT = """
            {"id":"t25","heads":"5e656b9e303b","state":"failed","destination":"head","rollout_id":"r-1",
             "error":{"code":"sql_failed","revision":"9a2355b7dd59","sqlstate":"42P07",
                      "message":"relation \\"audit_log\\" already exists"},
             "fingerprint":null,"attempts":1,"agent":"a1","last_report_at":"2026-01-01T00:02:05Z",
             "last_seen_at":"2026-01-01T00:02:06Z"}""";

    @TempDir
    Path tmp;

    private final RecordingCoordinator api = new RecordingCoordinator();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void rolloutStartSendsTheWavesInOrder() throws Exception {
        api.answer("POST /api/rollouts", 201, "{\"rollout_id\":\"r-2\",\"to\":\"head\",\"supersedes\":null}");

        CliRunner.Result result = runOk("rollout", "start", "--url", api.url(), "--to", "head",
                "--wave", "canary:tier=canary:soak=2m:max-failures=0", "--wave", "10%", "--wave", "100%");

        RecordingCoordinator.Request sent = api.only("POST", "/api/rollouts");
        assertThat(sent.contentType()).isEqualTo("application/json");
        assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("""
                {"to":"head","waves":[
                 {"name":"canary","labels":{"tier":"canary"},"bucket_percent":null,"soak":"PT2M","max_failures":0,
                  "parallelism":null},
                 {"name":"p10","labels":{},"bucket_percent":10,"soak":null,"max_failures":null,"parallelism":null},
                 {"name":"p100","labels":{},"bucket_percent":100,"soak":null,"max_failures":null,"parallelism":null}],
                 "supersede":false}"""));
        assertThat(result.outLines()).containsExactly("rollout r-2 to head started",
                "  wave canary: tier=canary, soak 2m, max failures 0",
                "  wave p10: bucket < 10%",
                "  wave p100: bucket < 100%");
    }

    @Test
    void rolloutStartSaysWhetherItReplacedTheRolloutBeforeOrOnlyFollowedIt() {
        api.answer("POST /api/rollouts", 201,
                "{\"rollout_id\":\"r-3\",\"to\":\"head\",\"supersedes\":\"r-2\",\"supersedes_state\":\"completed\"}");
        assertThat(runOk("rollout", "start", "--url", api.url(), "--to", "head").outLines())
                .containsExactly("rollout r-3 to head started, after r-2 (completed)");

        api.answer("POST /api/rollouts", 201,
                "{\"rollout_id\":\"r-4\",\"to\":\"head\",\"supersedes\":\"r-3\",\"supersedes_state\":\"paused\"}");
        assertThat(runOk("rollout", "start", "--url", api.url(), "--to", "head", "--supersede").outLines())
                .containsExactly("rollout r-4 to head started, superseding r-3 (it was paused)");
    }

    @Test
    void agentsShowHowLongAgoEachWasHeardAndWhatTheyRefused() throws Exception {
        JsonNode answer = JSON.readTree("""
                {"agents":[
                 {"id":"agent-a","tenants":120,"started_at":"2026-11-22T09:00:00Z","last_heartbeat_at":"2026-11-22T09:59:50Z",
                  "heard_at":"2026-11-22T09:59:55Z","version":"0.1.0","refused_events":0,"last_refusal":null},
                 {"id":"agent-b","tenants":7,"started_at":"2026-11-21T08:00:00Z","last_heartbeat_at":"2026-11-22T07:00:00Z",
                  "heard_at":"2026-11-22T07:00:01Z","version":"0.1.0","refused_events":2,
                  "last_refusal":"unsigned: rollout_started event e-1 at schemafleet.rollouts-0@4"}]}""");

        assertThat(FleetFormat.agents(answer, Instant.parse("2026-11-22T10:00:00Z"))).containsExactly(
                "AGENT    TENANTS  HEARD           STARTED               VERSION  REFUSED",
                "agent-a      120  5s ago          2026-11-22T09:00:00Z  0.1.0          0",
                "agent-b        7  2h ago (stale)  2026-11-21T08:00:00Z  0.1.0          2",
                "",
                "agent-b refused 2 events; the latest: unsigned: rollout_started event e-1 at schemafleet.rollouts-0@4");
        assertThat(FleetFormat.agents(JSON.readTree("{\"agents\":[]}"), Instant.now()))
                .containsExactly("no agent has sent a heartbeat yet");
        assertThat(FleetFormat.staleAgents(answer, Instant.parse("2026-11-22T10:00:00Z"))).containsExactly("agent-b");
    }

    @Test
    void aReportOfManyStepsIsSummedUpInOneCell() throws Exception {
        JsonNode two = JSON.readTree("""
                [{"revision":"a1","direction":"upgrade","duration_ms":12},
                 {"revision":"b2","direction":"upgrade","duration_ms":9}]""");
        JsonNode three = JSON.readTree("""
                [{"revision":"a1","direction":"upgrade","duration_ms":12},
                 {"revision":"b2","direction":"upgrade","duration_ms":9},
                 {"revision":"c3","direction":"upgrade","duration_ms":null}]""");
        JsonNode mixed = JSON.readTree("""
                [{"revision":"c3","direction":"downgrade","duration_ms":5},
                 {"revision":"b2","direction":"downgrade","duration_ms":5},
                 {"revision":"d4","direction":"upgrade","duration_ms":5}]""");

        assertThat(FleetFormat.steps(two)).isEqualTo("upgrade a1 12 ms, upgrade b2 9 ms");
        assertThat(FleetFormat.steps(three)).isEqualTo("3 upgrades a1 … c3, 21 ms");
        assertThat(FleetFormat.steps(mixed)).isEqualTo("3 steps (downgrade, upgrade) c3 … d4, 15 ms");
        assertThat(FleetFormat.steps(JSON.readTree("[]"))).isNull();
    }

    @Test
    void pinsAreListedByTenant() {
        api.answer("GET /api/pins", 200, "{\"t_9\":\"c8626eb4ecaa\",\"t_1\":\"base\"}");

        assertThat(runOk("pins", "--url", api.url()).outLines()).containsExactly("TENANT  PINNED AT",
                "t_1     base", "t_9     c8626eb4ecaa");
    }

    @Test
    void pinSendsTheDestinationGiven() throws Exception {
        api.answer("POST /api/tenants/t%201/pin", 200, "{\"tenant\":\"t 1\",\"to\":\"base\"}");

        assertThat(runOk("pin", "t 1", "--to", "base", "--url", api.url()).out())
                .isEqualTo("tenant t 1 pinned at base: rollouts pass it by until schemafleet unpin t 1\n");
        assertThat(JSON.readTree(api.only("POST", "/api/tenants/t%201/pin").body()))
                .isEqualTo(JSON.readTree("{\"to\":\"base\"}"));
    }

    @Test
    void rolloutStartFromAFileWithTheDestinationOnTheCommandLine() throws Exception {
        api.answer("POST /api/rollouts", 201, "{\"rollout_id\":\"r-3\",\"to\":\"abc123\",\"supersedes\":\"r-2\"}");
        Path file = Files.writeString(tmp.resolve("rollout.yaml"), """
                to: head
                waves:
                  - name: canary
                    labels: {tier: canary}
                    max_failures: 0
                """);

        CliRunner.Result result = runOk("rollout", "start", "--url", api.url(), "--file", file.toString(),
                "--to", "abc123", "--supersede", "--json");

        assertThat(JSON.readTree(api.only("POST", "/api/rollouts").body()).path("to").asText()).isEqualTo("abc123");
        assertThat(JSON.readTree(api.only("POST", "/api/rollouts").body()).path("supersede").asBoolean()).isTrue();
        assertThat(JSON.readTree(result.out()).path("supersedes").asText()).isEqualTo("r-2");
    }

    @Test
    void aBadWaveIsAUsageErrorAndNothingIsSent() {
        CliRunner.Result result = run("rollout", "start", "--url", api.url(), "--to", "head", "--wave", "tier=canary");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("wave 'tier=canary': a wave starts with its name, e.g. canary:tier=canary");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void helpShowsTheWaveGrammarWithItsPercentSigns() {
        CliRunner.Result help = runOk("rollout", "start", "--help");

        assertThat(help.out()).contains("[:max-failures=N|N%]", "or N% for the wave pN of bucket < N%",
                "--wave 10%").doesNotContain("%%");
        assertThat(runOk("--help").out()).contains("publish", "rollout", "status", "tenants", "tenant", "retry", "watch");
    }

    @Test
    void rolloutStartNeedsADestination() {
        CliRunner.Result result = run("rollout", "start", "--url", api.url(), "--wave", "10%");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--to=DEST'");
    }

    @Test
    void pauseWithoutAnIdPausesTheCurrentRollout() {
        api.answer("GET /api/fleet", 200, FLEET)
                .answer("POST /api/rollouts/r-1/pause", 200, "{\"rollout_id\":\"r-1\",\"state\":\"paused\"}");

        CliRunner.Result result = runOk("rollout", "pause", "--url", api.url());

        assertThat(api.only("POST", "/api/rollouts/r-1/pause").body()).isEqualTo("{}");
        assertThat(result.out()).isEqualTo("rollout r-1 is paused\n");
    }

    @Test
    void abortSaysTheAdmittedTenantsKeepGoing() {
        api.answer("POST /api/rollouts/r-1/abort", 200, "{\"rollout_id\":\"r-1\",\"state\":\"aborted\"}");

        CliRunner.Result result = run("rollout", "abort", "r-1", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out()).isEqualTo("rollout r-1 is aborted\n");
        assertThat(result.err()).isEqualTo("warning: tenants the rollout admitted keep going to its destination: an"
                + " abort stops admitting, not steps, and rolls nothing back (to take them back, start a rollout to"
                + " where they were)\n");
    }

    @Test
    void showWithoutAnIdShowsTheCurrentRolloutAndItsWaves() {
        api.answer("GET /api/fleet", 200, FLEET).answer("GET /api/rollouts/r-1", 200, """
                {"rollout_id": "r-1", "to": "head", "state": "halted", "halt_reason": "wave canary: 1 failed",
                 "supersedes": "r-0", "started_at": "2026-01-01T00:00:00Z", "waves": [
                  {"name": "canary", "labels": {"tier": "canary"}, "bucket_percent": null, "state": "halted",
                   "tenants": 4, "converged": 3, "failed": 1, "applying": 0, "pending": 0},
                  {"name": "p50", "labels": {}, "bucket_percent": 50, "state": "waiting",
                   "tenants": 12, "converged": 0, "failed": 0, "applying": 0, "pending": 12}]}""");

        CliRunner.Result result = runOk("rollout", "show", "--url", api.url());

        assertThat(result.outLines()).containsExactly(
                "rollout      r-1 (halted)",
                "to           head",
                "started      2026-01-01T00:00:00Z",
                "after        r-0",
                "halted       wave canary: 1 failed",
                "",
                "WAVE    SELECTS       STATE    TENANTS  CONVERGED  FAILED  APPLYING  PENDING",
                "canary  tier=canary   halted         4          3       1         0        0",
                "p50     bucket < 50%  waiting       12          0       0         0       12");
    }

    @Test
    void listShowsTheRolloutsNewestFirstAndRefusesALimitOutOfRange() {
        api.answer("GET /api/rollouts", 200, """
                [{"rollout_id": "r-2", "to": "head", "state": "running", "started_at": "2026-01-02T00:00:00Z",
                  "waves": [{}, {}]},
                 {"rollout_id": "r-1", "to": "c8626eb4ecaa", "state": "superseded",
                  "started_at": "2026-01-01T00:00:00Z", "waves": [{}]}]""");

        CliRunner.Result result = runOk("rollout", "list", "--url", api.url(), "--limit", "5");

        assertThat(api.only("GET", "/api/rollouts").pathAndQuery()).isEqualTo("/api/rollouts?limit=5");
        assertThat(result.outLines()).containsExactly(
                "ROLLOUT  TO            STATE       STARTED               WAVES",
                "r-2      head          running     2026-01-02T00:00:00Z  2",
                "r-1      c8626eb4ecaa  superseded  2026-01-01T00:00:00Z  1");
        CliRunner.Result refused = run("rollout", "list", "--url", api.url(), "--limit", "0");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--limit must be 1 to 100, got 0");
    }

    @Test
    void resumeAndAbortNameTheirRollout() {
        api.answer("POST /api/rollouts/r-7/resume", 200, "{\"rollout_id\":\"r-7\",\"state\":\"running\"}")
                .answer("POST /api/rollouts/r-7/abort", 409,
                        "{\"error\":{\"type\":\"Conflict\",\"message\":\"rollout r-7 is completed\"}}");

        assertThat(runOk("rollout", "resume", "r-7", "--url", api.url()).out()).isEqualTo("rollout r-7 is running\n");
        CliRunner.Result refused = runFailing("rollout", "abort", "r-7", "--url", api.url());

        assertThat(refused.err()).isEqualTo("error: rollout r-7 is completed (409 Conflict from POST "
                + api.url() + "/api/rollouts/r-7/abort)\n");
    }

    @Test
    void aRefusalWithJsonIsAJsonErrorOfTheApisType() {
        api.answer("POST /api/tenants/nobody/retry", 404,
                "{\"error\":{\"type\":\"NotFound\",\"message\":\"no tenant 'nobody' has reported\"}}");

        CliRunner.Result result = run("retry", "nobody", "--url", api.url(), "--json");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorType(result)).isEqualTo("NotFound");
        assertThat(result.out()).as("the coordinator's message as it gave it")
                .isEqualTo("{\"error\":{\"type\":\"NotFound\",\"message\":\"no tenant 'nobody' has reported\"}}\n");
    }

    @Test
    void retryPostsToTheTenant() {
        api.answer("POST /api/tenants/t25/retry", 202, "{\"tenant\":\"t25\",\"event_id\":\"e-9\"}");

        assertThat(runOk("retry", "t25", "--url", api.url()).out()).isEqualTo("retry of t25 requested (event e-9)\n");
    }

    @Test
    void aRetryTheProjectionHasNotAppliedYetSucceedsWithAWarning() {
        api.answer("POST /api/tenants/t25/retry", 202, "{\"tenant\":\"t25\",\"event_id\":\"e-9\",\"applied\":false}");

        CliRunner.Result result = run("retry", "t25", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out()).isEqualTo("retry of t25 requested (event e-9)\n");
        assertThat(result.errLines()).as("%s", result).singleElement().asString()
                .startsWith("warning: the request is in the log but the coordinator has not applied it yet")
                .contains("shows t25 as before");
    }

    @Test
    void aRetryOfATenantThatIsNotFailedSucceedsWithTheCoordinatorsNote() {
        api.answer("POST /api/tenants/t25/retry", 202, "{\"tenant\":\"t25\",\"event_id\":\"e-9\",\"applied\":true,"
                + "\"state\":\"dirty\",\"note\":\"t25 is dirty: settle it with schemafleet resolve\"}");

        CliRunner.Result result = run("retry", "t25", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out()).isEqualTo("retry of t25 requested (event e-9)\n");
        assertThat(result.errLines()).as("%s", result)
                .containsExactly("warning: t25 is dirty: settle it with schemafleet resolve");
    }

    @Test
    void theTokenComesFromTheTokenFileAsABearerHeader() throws Exception {
        api.answer("GET /api/fleet", 200, FLEET);
        Path token = Files.writeString(tmp.resolve("token"), "sfro_secret\n");

        runOk("status", "--url", api.url(), "--token-file", token.toString());

        assertThat(api.only("GET", "/api/fleet").authorization()).isEqualTo("Bearer sfro_secret");
    }

    @Test
    void a401SaysToSetTheTokenAndIsExit2() {
        api.answer("GET /api/fleet", 401, "{\"error\":{\"type\":\"Unauthorized\",\"message\":\"no token\"}}");

        CliRunner.Result result = run("status", "--url", api.url());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: 401 from GET " + api.url()
                + "/api/fleet: set SCHEMAFLEET_TOKEN (or --token-file PATH) to an API token\n");
    }

    @Test
    void a403SaysAnOperatorTokenIsNeededAndIsExit2() throws Exception {
        api.answer("POST /api/tenants/t1/retry", 403,
                "{\"error\":{\"type\":\"Forbidden\",\"message\":\"read-only token\"}}");
        Path token = Files.writeString(tmp.resolve("token"), "sfro_secret");

        CliRunner.Result result = run("retry", "t1", "--url", api.url(), "--token-file", token.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("403 from POST").contains("this needs an operator token");
    }

    @Test
    void aMissingTokenFileIsExit2() {
        CliRunner.Result result = run("status", "--url", api.url(), "--token-file", tmp.resolve("none").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: --token-file " + tmp.resolve("none") + ": no such file\n");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void anUnreachableCoordinatorIsExit2WithoutAStackTrace() {
        String url = api.url();
        api.close();

        CliRunner.Result result = run("status", "--url", url);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: cannot reach the coordinator at " + url + "/ (connection refused)")
                .contains("--url or SCHEMAFLEET_URL");
        assertThat(result.showsJavaInternals()).isFalse();
    }

    @Test
    void aUrlThatIsNotHttpIsExit2() {
        CliRunner.Result result = run("status", "--url", "localhost:8080");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--url must be an http:// or https:// URL with a host");
    }

    @Test
    void statusIsATableAndJsonIsTheApisAnswer() throws Exception {
        api.answer("GET /api/fleet", 200, FLEET).answer("GET /api/agents", 200, "{\"agents\":["
                + "{\"id\":\"a1\",\"heard_at\":\"" + Instant.now() + "\"},"
                + "{\"id\":\"a2\",\"heard_at\":\"2026-01-01T00:00:00Z\"}]}");

        CliRunner.Result text = runOk("status", "--url", api.url());
        CliRunner.Result json = runOk("status", "--url", api.url(), "--json");

        assertThat(text.outLines()).containsExactly(
                "destination  head (c8626eb4ecaa)",
                "rollout      r-1 (running)",
                "converged    20 of 30 tenants (66%)",
                "agents       2 (1 not heard for over 1 min: a2)",
                "poison       7 records skipped",
                "",
                "STATE      TENANTS",
                "converged       20",
                "failed          10",
                "",
                "HEADS         TENANTS",
                "5e656b9e303b       10",
                "c8626eb4ecaa       20");
        assertThat(JSON.readTree(json.out())).isEqualTo(JSON.readTree(FLEET));
    }

    @Test
    void tenantsAsksForTheStateAndPrintsAPage() {
        api.answer("GET /api/tenants", 200, "{\"total\":11,\"page\":0,\"size\":1,\"tenants\":[" + FAILED_TENANT + "]}");

        CliRunner.Result result = runOk("tenants", "--url", api.url(), "--state", "failed", "--size", "1");

        assertThat(api.only("GET", "/api/tenants").pathAndQuery()).isEqualTo("/api/tenants?state=failed&page=0&size=1");
        assertThat(result.outLines()).containsExactly(
                "TENANT  STATE   HEADS         DESTINATION  AGENT  LAST REPORT           ERROR",
                "t25     failed  5e656b9e303b  head         a1     2026-01-01T00:02:05Z  9a2355b7dd59 42P07 relation"
                        + " \"audit_log\" already exists",
                "tenants 1-1 of 11 (next: --page 1)");
    }

    @Test
    void anUnknownStateIsAUsageError() {
        CliRunner.Result result = run("tenants", "--url", api.url(), "--state", "broken");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown tenant state 'broken'");
    }

    @Test
    void aNegativeHistoryIsAUsageErrorAndNothingIsSent() {
        CliRunner.Result result = run("tenant", "t25", "--url", api.url(), "--history", "-5");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--history must be 0 to 10000, got -5");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void tenantShowsItsHistoryNewestFirst() {
        api.answer("GET /api/tenants/t25", 200, "{\"tenant\":" + FAILED_TENANT + ",\"history\":["
                + "{\"at\":\"2026-01-01T00:02:05Z\",\"type\":\"tenant_report\",\"state\":\"failed\","
                + "\"heads\":\"5e656b9e303b\",\"steps\":[],\"error\":{\"code\":\"sql_failed\",\"revision\":\"9a2355b7dd59\","
                + "\"sqlstate\":\"42P07\",\"message\":\"relation exists\"},\"agent\":\"a1\"},"
                + "{\"at\":\"2026-01-01T00:01:00Z\",\"type\":\"tenant_report\",\"state\":\"converged\","
                + "\"heads\":\"5e656b9e303b\",\"steps\":[{\"revision\":\"801b86be184b\",\"direction\":\"upgrade\","
                + "\"duration_ms\":12}],\"error\":null,\"agent\":\"a1\"}]}");

        CliRunner.Result result = runOk("tenant", "t25", "--url", api.url());

        assertThat(api.only("GET", "/api/tenants/t25").pathAndQuery()).isEqualTo("/api/tenants/t25?history=20");
        assertThat(result.outLines()).containsExactly(
                "tenant       t25",
                "state        failed",
                "heads        5e656b9e303b",
                "destination  head (rollout r-1)",
                "error        9a2355b7dd59 42P07 relation \"audit_log\" already exists",
                "agent        a1, attempts 1",
                "last report  2026-01-01T00:02:05Z (sent 2026-01-01T00:02:06Z)",
                "",
                "AT                    EVENT          STATE      HEADS         STEPS                       ERROR",
                "2026-01-01T00:02:05Z  tenant_report  failed     5e656b9e303b  -                           9a2355b7dd59"
                        + " 42P07 relation exists",
                "2026-01-01T00:01:00Z  tenant_report  converged  5e656b9e303b  upgrade 801b86be184b 12 ms  -");
    }

    @Test
    void publishSendsTheDirectorysFilesAndSaysWhatIsNew() throws Exception {
        Path dir = RevisionFixtures.branched(tmp.resolve("versions"));
        api.answer("POST /api/revisions", 201, "{\"published\":[\"a100\",\"b200\"],\"unchanged\":[\"c300\"]}");

        CliRunner.Result result = runOk("publish", "--dir", dir.toString(), "--url", api.url());

        var files = JSON.readTree(api.only("POST", "/api/revisions").body()).path("files");
        try (var list = Files.list(dir)) {
            assertThat(files.size()).isEqualTo((int) list.count());
        }
        assertThat(files.get(0).path("content").asText()).isEqualTo(
                Files.readString(dir.resolve(files.get(0).path("name").asText())));
        assertThat(result.out()).isEqualTo("published 2 revisions: a100, b200 (1 already published)\n");
    }

    @Test
    void watchExits0WhenTheFleetIsConverged() {
        api.answer("GET /api/fleet", 200, """
                {"destination":"head","rollout":"r-1","destination_heads":["c8626eb4ecaa"],"tenants":30,"converged":30,
                 "by_state":{"converged":30},"by_heads":{"c8626eb4ecaa":30},"agents":2,"poison_records":0}""");

        CliRunner.Result result = runOk("watch", "--url", api.url(), "--timeout", "30s");

        assertThat(result.out()).contains("converged: first tenant migrated after").contains("all 30 converged");
    }

    @Test
    void watchExits1WhenTheRolloutHalted() {
        api.answer("GET /api/fleet", 200, FLEET.replace("\"running\"", "\"halted\""))
                .answer("GET /api/rollouts/r-1", 200, "{\"rollout_id\":\"r-1\",\"state\":\"halted\","
                        + "\"halt_reason\":\"wave canary: 10 failed, budget 0\"}")
                .answer("GET /api/tenants", 200, "{\"total\":10,\"page\":0,\"size\":20,\"tenants\":[" + FAILED_TENANT + "]}");

        CliRunner.Result result = run("watch", "--url", api.url(), "--timeout", "30s");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: rollout r-1 is halted: wave canary: 10 failed, budget 0; 20 of 30"
                + " tenants at head (c8626eb4ecaa)\n");
        assertThat(result.out()).contains("t25 failed at 9a2355b7dd59");
    }

    @Test
    void watchExits1WhenEveryTenantLeftIsStuck() {
        api.answer("GET /api/fleet", 200, FLEET)
                .answer("GET /api/tenants", 200, "{\"total\":10,\"page\":0,\"size\":20,\"tenants\":[" + FAILED_TENANT + "]}");

        CliRunner.Result result = run("watch", "--url", api.url(), "--timeout", "30s");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).startsWith("error: 20 of 30 tenants at head (c8626eb4ecaa); 10 failed: see");
    }

    @Test
    void aStuckFleetUnderAPausedRolloutIsToldToResumeBeforeRetrying() {
        // A retry is refused while the rollout is paused: the advice must not lead there.
        api.answer("GET /api/fleet", 200, FLEET.replace("\"running\"", "\"paused\""))
                .answer("GET /api/tenants", 200, "{\"total\":10,\"page\":0,\"size\":20,\"tenants\":[" + FAILED_TENANT + "]}");

        CliRunner.Result result = run("watch", "--url", api.url(), "--timeout", "30s");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: 20 of 30 tenants at head (c8626eb4ecaa) (rollout r-1 is paused); 10"
                + " failed: see `schemafleet tenants --state failed`, then `schemafleet rollout resume r-1` and"
                + " `schemafleet retry TENANT` once fixed\n");
    }

    @Test
    void watchWaitsWhileAFailureIsFromAnOlderRolloutAndTimesOut() {
        api.answer("GET /api/fleet", 200, FLEET)
                .answer("GET /api/tenants", 200, "{\"total\":10,\"page\":0,\"size\":20,\"tenants\":["
                        + FAILED_TENANT.replace("\"rollout_id\":\"r-1\"", "\"rollout_id\":\"r-0\"") + "]}");

        CliRunner.Result result = run("watch", "--url", api.url(), "--timeout", "1s");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).startsWith("error: not converged within 1s: 20 of 30 tenants at head");
    }

    @Test
    void watchOfAnUnreachableCoordinatorFailsAtOnceWithExit2() {
        String url = api.url();
        api.close();

        CliRunner.Result result = run("watch", "--url", url, "--timeout", "10m");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: cannot reach the coordinator");
    }
}
