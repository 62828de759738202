package io.schemafleet.deploy.fault;

import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stops the coordinator in the middle of a rollout and starts it again. The rollout lives
 * in the log, not in the coordinator, so the agent process carries on while it is down
 * (the test waits until it has applied more steps); the restarted coordinator resumes its
 * projection from the offsets it stored, takes the next rollout, and ends up having seen
 * every step reported exactly once, none lost in the outage and none counted twice.
 *
 * <p>One restart by default; {@code -Dschemafleet.fault.restarts=N} restarts it N times,
 * once in each stage of a longer chain.
 */
class CoordinatorRestartIT {
    private static final int TENANTS = 50;

    private final int restarts = Integer.getInteger("schemafleet.fault.restarts", 1);
    private CoordinatorFixture coordinator;
    private TestDatabase db;
    private TenantFleet fleet;

    @AfterEach
    void tearDown() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void theFleetConvergesThroughACoordinatorRestartMidRollout() throws Exception {
        coordinator = new CoordinatorFixture("coordinator_restart");
        coordinator.start();
        db = TestDatabase.create("coordrestart");
        List<Revision> chain = BenchRevisions.generate(FleetDriver.REVISIONS_PER_STAGE * (restarts + 1));
        fleet = TenantFleet.create(db.url(), TENANTS, chain, coordinator.signingKey.trustedKey());
        FleetDriver.publish(coordinator, chain);
        TenantFleet.Agent agent = fleet.startAgent(TestKafka.broker().bootstrapServers(), coordinator.topics,
                "agent-c");

        FleetDriver.rolloutInStages(coordinator, fleet, chain, (stage, stageEnd) -> {
            coordinator.stop();
            long atStop = fleet.appliedSteps();
            assertThat(atStop).as("steps applied when the coordinator was down").isLessThan(stageEnd);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.appliedSteps() > atStop);
            coordinator.start();
        });

        FleetDriver.assertConvergedExactlyOnce(coordinator, fleet);
        assertThat(agent.isAlive()).as("the agent process ran through (%s)", agent).isTrue();
    }
}
