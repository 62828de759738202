package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.CliRun;
import io.schemafleet.deploy.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fleet commands of the distribution's command line against a real coordinator (real
 * Kafka and PostgreSQL) and an agent with three schema tenants, one of which cannot take
 * the audit_log revision: publish, rollout start, watch (exit 0 on convergence, 1 on a
 * failed tenant), status, tenants, tenant, retry, and the 401 without a token.
 */
class FleetCliIT {
    private static final List<String> FIRST = List.of("801b86be184b", "122b81ebc3d7", "360b16ba22c2",
            "2d12193b6184", "3cfc87221979");
    private static final String AUDIT_LOG = "9a2355b7dd59";

    @TempDir
    Path tmp;

    private CoordinatorFixture coordinator;
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void anOperatorDrivesTheFleetFromTheCommandLine() throws Exception {
        coordinator = resources.add(new CoordinatorFixture("cli"));
        coordinator.start();
        String url = coordinator.url();
        TestDatabase db = TestDatabase.create("cli");
        resources.add(db);
        db.execute("CREATE SCHEMA cli_00; CREATE SCHEMA cli_01; CREATE SCHEMA cli_02;"
                + " CREATE TABLE cli_02.audit_log (id int)");
        agent(db);

        // Five revisions (two heads), rolled out to heads: watch sees all three converge.
        Path first = Files.createDirectories(tmp.resolve("first"));
        for (String id : FIRST) {
            try (var files = Files.list(CoordinatorFixture.EXAMPLES)) {
                Path file = files.filter(p -> p.getFileName().toString().startsWith(id)).findFirst().orElseThrow();
                Files.copy(file, first.resolve(file.getFileName()));
            }
        }
        CliRun published = ok("publish", "--dir", first.toString(), "--url", url);
        assertThat(published.out()).isEqualTo("published 5 revisions: 122b81ebc3d7, 2d12193b6184, 360b16ba22c2,"
                + " 3cfc87221979, 801b86be184b\n");
        CliRun started = ok("rollout", "start", "--to", "heads", "--url", url);
        assertThat(started.out()).matches("rollout r-\\S+ to heads started\n");
        CliRun converged = ok("watch", "--url", url, "--expect", "3", "--timeout", "2m");
        assertThat(converged.out()).contains("all 3 converged");
        CliRun shown = ok("rollout", "show", "--url", url);
        assertThat(shown.outLines()).contains("to           heads").anySatisfy(line -> assertThat(line)
                .matches("all +every tenant +(admitted|soaking|done) +3 +3 +0 +0 +0"));
        assertThat(ok("rollout", "list", "--url", url).outLines()).hasSize(2)
                .anySatisfy(line -> assertThat(line).matches("r-\\S+ +heads +\\S+ +\\S+ +1"));

        // The rest: cli_02 already has an audit_log table, so it fails there; watch exits 1.
        // The fleet's rollout goes to heads, so it takes them at once: publish warns, and exits 0.
        CliRun rest = coordinator.cli("publish", "--dir", CoordinatorFixture.EXAMPLES.toString(), "--url", url);
        assertThat(rest.exit()).as("%s", rest).isZero();
        assertThat(rest.out()).startsWith("published 4 revisions: ").endsWith("(5 already published)\n");
        assertThat(rest.err()).startsWith("warning: the fleet's rollout r-").contains(" goes to heads, which is now ")
                .contains("the tenants it admitted go there without the waves of a rollout started after this");
        assertThat(ok("publish", "--dir", CoordinatorFixture.EXAMPLES.toString(), "--url", url).out())
                .isEqualTo("nothing new: all 9 revisions are already published\n");
        ok("rollout", "start", "--to", "head", "--url", url);
        CliRun failed = coordinator.cli("watch", "--url", url, "--expect", "3", "--timeout", "2m");
        Supplier<String> why = () -> failed + "\nfleet: " + coordinator.get("/api/fleet").json()
                + "\ncli_02: " + coordinator.get("/api/tenants/cli_02").json();
        assertThat(failed.exit()).as(why).isEqualTo(1);
        assertThat(failed.out()).as(why).contains("cli_02 failed at " + AUDIT_LOG);
        assertThat(failed.err()).as(why).startsWith("error: 2 of 3 tenants at head (c8626eb4ecaa); 1 failed: see");

        CliRun status = ok("status", "--url", url);
        assertThat(status.outLines()).contains("destination  head (c8626eb4ecaa)",
                "converged    2 of 3 tenants (66%)", "agents       1");
        assertThat(status.out()).containsPattern("(?m)^failed +1$").containsPattern("(?m)^converged +2$");
        JsonNode statusJson = CoordinatorFixture.JSON.readTree(ok("status", "--url", url, "--json").out());
        assertThat(statusJson.path("tenants").asInt()).isEqualTo(3);
        assertThat(statusJson.path("by_state").path("failed").asInt()).isEqualTo(1);

        CliRun tenants = ok("tenants", "--state", "failed", "--url", url);
        assertThat(tenants.outLines()).hasSize(3);
        assertThat(tenants.outLines().get(1)).startsWith("cli_02  failed").contains(AUDIT_LOG + " 42P07 ")
                .contains("relation \"audit_log\" already exists");
        assertThat(tenants.lastOutLine()).isEqualTo("tenants 1-1 of 1");

        CliRun tenant = ok("tenant", "cli_02", "--url", url);
        assertThat(tenant.outLines()).contains("tenant       cli_02", "state        failed");
        assertThat(tenant.out()).contains("tenant_report").contains("upgrade 801b86be184b");
        CliRun nobody = coordinator.cli("tenant", "nobody", "--url", url);
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).startsWith("error: no tenant 'nobody' has reported (404 NotFound from GET ");

        // Fix the cause and retry: the tenant converges. Once retry returns, the coordinator no
        // longer counts it failed, so watch right after waits for the new try.
        db.execute("DROP TABLE cli_02.audit_log");
        CliRun retry = ok("retry", "cli_02", "--url", url);
        assertThat(retry.out()).startsWith("retry of cli_02 requested");
        CliRun recovered = ok("watch", "--url", url, "--expect", "3", "--timeout", "2m");
        assertThat(recovered.out()).contains("all 3 converged");

        assertThat(ok("agents", "--url", url).outLines()).first().asString().startsWith("AGENT ");
        // Its tenant count is its newest heartbeat's (every 2 s here), which may predate its first pass.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ok("agents", "--url", url).outLines())
                .anySatisfy(line -> assertThat(line).matches("cli-agent +3 +\\d+s ago +\\S+ +\\S+ +0")));

        // A pin from the command line: where the tenant is, listed, then lifted; lifting it twice is refused.
        assertThat(ok("pin", "cli_00", "--url", url).out()).isEqualTo("tenant cli_00 pinned at c8626eb4ecaa:"
                + " rollouts pass it by until schemafleet unpin cli_00\n");
        assertThat(ok("pins", "--url", url).outLines()).containsExactly("TENANT  PINNED AT",
                "cli_00  c8626eb4ecaa");
        assertThat(ok("unpin", "cli_00", "--url", url).out())
                .isEqualTo("tenant cli_00 unpinned: it follows the fleet's rollout again\n");
        CliRun twice = coordinator.cli("unpin", "cli_00", "--url", url);
        assertThat(twice.exit()).as("%s", twice).isEqualTo(1);
        assertThat(twice.err()).startsWith("error: tenant cli_00 is not pinned (409 Conflict from POST ");
        assertThat(ok("pins", "--url", url).out()).isEqualTo("no tenant is pinned\n");
        CliRun unknown = coordinator.cli("pin", "nobody", "--url", url);
        assertThat(unknown.exit()).as("%s", unknown).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: no tenant 'nobody' has reported");
    }

    private CliRun ok(String... args) {
        CliRun run = coordinator.cli(args);
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.err()).as("%s", run).isEmpty();
        return run;
    }

    private void agent(TestDatabase db) {
        coordinator.startAgent(resources, db.url(), "cli_%", 2, ApplyOptions.defaults("cli-agent"));
    }
}
