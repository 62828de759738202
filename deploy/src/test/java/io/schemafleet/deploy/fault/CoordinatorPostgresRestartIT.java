package io.schemafleet.deploy.fault;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.Resources;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restarts the coordinator's own PostgreSQL server in the middle of a rollout. While it is
 * down the agent goes on applying steps and reporting them to the broker; the projection
 * cannot write them, so it rolls its batch back and tries again from the offsets it last
 * committed, the coordinator says it is unhealthy and its API answers 503
 * {@code DatabaseUnavailable}. Once the server is back the
 * projection catches up, the next rollout is accepted, and every step is counted exactly
 * once: none lost with the rolled-back batches, none applied twice by the retries.
 *
 * <p>The coordinator's server is this test's own ({@link RestartablePostgres}); the
 * tenants stay on the shared one. One restart by default; {@code
 * -Dschemafleet.fault.restarts=N} restarts it N times, once in each stage of a longer chain.
 */
class CoordinatorPostgresRestartIT {
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void theProjectionRecoversFromItsPostgresRestartingMidRolloutAndCountsEveryStepOnce() throws Exception {
        RestartablePostgres coordinatorPg = resources.add(RestartablePostgres.start());
        TestDatabase tenants = resources.add(TestDatabase.create("coordpgrestart"));
        CoordinatorFixture unstarted = new CoordinatorFixture("coordinator_pg_restart",
                TestKafka.broker().bootstrapServers(), coordinatorPg.createDatabase("coordinator"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "coordinator_pg_restart", unstarted, tenants.url(),
                "agent-d");
        CoordinatorFixture coordinator = cast.coordinator();

        FleetDriver.rolloutInStages(cast, stage -> {
            coordinatorPg.stop();
            long atStop = cast.fleet().appliedSteps();
            stage.release();
            // Reports reach the broker that the projection cannot write: it must retry them later.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cast.fleet().appliedSteps() > atStop);
            assertUnavailable(coordinator, "without its database");
            coordinatorPg.restart();
            awaitHealthy(coordinator, "once its database is back");
        });

        FleetDriver.assertConvergedExactlyOnce(coordinator, cast.fleet());
        assertThat(cast.agent().isAlive()).as("the agent process ran through (%s)", cast.agent()).isTrue();
    }
    /**
     * A network partition between the coordinator and its own PostgreSQL in the middle of each
     * stage but the last: the connections stay open and go silent (a proxy holds their bytes),
     * where a restart resets them. The agent goes on applying and reporting steps; the
     * coordinator says it is unhealthy and its API answers 503 {@code DatabaseUnavailable}
     * within its pool's timeouts instead of hanging on a silent connection. Once the partition
     * heals, the statements held in it complete, the projection catches up, and every step is
     * counted once.
     */
    @Test
    void theProjectionRidesOutAPartitionFromItsPostgresAndCountsEveryStepOnce() throws Exception {
        RestartablePostgres coordinatorPg = resources.add(RestartablePostgres.start());
        PartitionProxy proxy = resources.add(PartitionProxy.plain()).forwardTo(coordinatorPg.port());
        String throughProxy = coordinatorPg.createDatabase("coordinator")
                .replace(":" + coordinatorPg.port() + "/", ":" + proxy.port() + "/");
        TestDatabase tenants = resources.add(TestDatabase.create("coordpgpartition"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "coordinator_pg_partition", new CoordinatorFixture(
                "coordinator_pg_partition", TestKafka.broker().bootstrapServers(), throughProxy), tenants.url(),
                "agent-q");
        CoordinatorFixture coordinator = cast.coordinator();

        FleetDriver.rolloutInStages(cast, stage -> {
            proxy.partition();
            try {
                long atCut = cast.fleet().appliedSteps();
                stage.release();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> cast.fleet().appliedSteps() > atCut);
                long took = assertUnavailable(coordinator, "cut off from its database");
                System.err.printf("FAULT coordinator_pg_partition: GET /api/fleet answered 503 in %d ms%n", took);
            } finally {
                proxy.heal();
            }
            awaitHealthy(coordinator, "once the partition healed");
        });

        FleetDriver.assertConvergedExactlyOnce(coordinator, cast.fleet());
    }

    /**
     * Waits until {@code /health} says 503, then asks {@code GET /api/fleet} once: 503
     * {@code DatabaseUnavailable}. Returns how long that answer took, in milliseconds.
     */
    private static long assertUnavailable(CoordinatorFixture coordinator, String how) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(coordinator.get("/health").status())
                        .as("the coordinator's health " + how).isEqualTo(503));
        long begin = System.nanoTime();
        CoordinatorFixture.Reply fleet = coordinator.get("/api/fleet");
        long took = (System.nanoTime() - begin) / 1_000_000;
        assertThat(fleet.status()).as("GET /api/fleet %s: %s", how, fleet).isEqualTo(503);
        assertThat(fleet.json().path("error").path("type").asText()).isEqualTo("DatabaseUnavailable");
        return took;
    }

    private static void awaitHealthy(CoordinatorFixture coordinator, String when) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(coordinator.get("/health").status())
                        .as("the coordinator's health " + when).isEqualTo(200));
    }
}
