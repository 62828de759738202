package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.deploy.kafka.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restarts the tenants' PostgreSQL server under a running agent process in the middle of
 * a rollout: a fast shutdown rolls back the step in flight and closes every pooled
 * connection; the server stays down until the agent has shown it lives through the outage
 * (a heartbeat stamped after the server went down reaches the coordinator), then starts
 * again on the same data directory and port. The same agent process reconnects, nothing is
 * half-applied, every step ran once, and the fleet converges.
 *
 * <p>The server is this test's own ({@link RestartablePostgres}); the coordinator's
 * database stays on the shared one. One restart by default;
 * {@code -Dschemafleet.fault.restarts=N} restarts it N times, once in each stage of a
 * longer chain.
 */
class PostgresRestartIT {
    private static final String AGENT = "agent-p";

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void anAgentReconnectsAfterItsPostgresRestartsMidRolloutAndConverges() throws Exception {
        RestartablePostgres postgres = resources.add(RestartablePostgres.start());
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "pg_restart", TestKafka.broker().bootstrapServers(),
                postgres.createDatabase("tenants"), AGENT);

        FleetDriver.rolloutInStages(cast, stage -> {
            postgres.stop();
            Instant down = Instant.now();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> lastHeartbeat(cast).isAfter(down));
            postgres.restart();
        });

        FleetDriver.assertConvergedExactlyOnce(cast.coordinator(), cast.fleet());
        assertThat(cast.agent().isAlive()).as("the same agent process reconnected (%s)", cast.agent()).isTrue();
    }

    /** When the agent's newest heartbeat, as the coordinator projected it, was sent. */
    private static Instant lastHeartbeat(FleetDriver.Cast cast) {
        for (JsonNode a : cast.coordinator().get("/api/agents").json().path("agents")) {
            if (a.path("id").asText().equals(AGENT)) {
                return OffsetDateTime.parse(a.path("last_heartbeat_at").asText()).toInstant();
            }
        }
        return Instant.EPOCH;
    }
}
