package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A step that is not transactional (an index built concurrently) may run for hours: the
 * coordinator shows its tenant {@code applying} from where it started while it runs, not
 * only once it is done.
 */
class LongStepIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void aTenantIsShownApplyingWhileItsNonTransactionalStepRuns() throws Exception {
        CoordinatorFixture coordinator = resources.add(new CoordinatorFixture("longstep"));
        coordinator.start();
        TestDatabase db = resources.add(TestDatabase.create("longstep"));
        db.execute("CREATE SCHEMA ls_0; CREATE TABLE ls_0.t (id int)");
        coordinator.startAgent(resources, db.url(), "ls_%", 1, ApplyOptions.defaults("long-agent"));
        // The first step of a new tenant, so that no earlier step's report says applying; it waits for
        // a lock the test holds, so it runs exactly as long as the test needs.
        String revision = """
                -- revision: ab0000000001
                -- down_revision:
                -- message: index t concurrently
                -- transactional: false
                -- +upgrade
                CREATE INDEX CONCURRENTLY ix_t_id ON t (id);
                -- +downgrade
                DROP INDEX CONCURRENTLY ix_t_id;
                """;
        assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(Map.of(
                "ab0000000001_index_t.sql", revision))).status()).isEqualTo(201);

        try (var writer = db.connection()) {
            // An open transaction that wrote to t: the concurrent build waits for it to end.
            writer.setAutoCommit(false);
            writer.createStatement().execute("INSERT INTO ls_0.t VALUES (1)");
            assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                    .status()).isEqualTo(201);

            // The step is under way (its pending row is written, its history table with it on a first step)
            // and waits for the writer, so nothing more is reported until the test lets it go.
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
                    db.query("SELECT outcome FROM ls_0.schemafleet_history").contains("pending"));
            JsonNode[] seen = new JsonNode[1];
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
                seen[0] = coordinator.get("/api/tenants/ls_0").json();
                return seen[0] != null && "applying".equals(seen[0].path("tenant").path("state").asText());
            });
            assertThat(seen[0].path("tenant").path("heads").asText()).as("%s", seen[0]).isEqualTo("base");
            assertThat(db.query("SELECT outcome FROM ls_0.schemafleet_history")).as("the step is still under way")
                    .containsExactly("pending");
            writer.rollback();
            writer.setAutoCommit(true);
        }

        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> "converged".equals(
                coordinator.get("/api/tenants/ls_0").json().path("tenant").path("state").asText()));
        assertThat(coordinator.get("/api/tenants/ls_0").json().path("tenant").path("heads").asText())
                .isEqualTo("ab0000000001");
    }
}
