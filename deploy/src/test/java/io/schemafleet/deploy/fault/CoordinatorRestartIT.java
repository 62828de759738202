package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

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
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void theFleetConvergesThroughACoordinatorRestartMidRollout() throws Exception {
        TestDatabase db = resources.add(TestDatabase.create("coordrestart"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "coordinator_restart",
                TestKafka.broker().bootstrapServers(), db.url(), "agent-c");
        CoordinatorFixture coordinator = cast.coordinator();

        FleetDriver.rolloutInStages(cast, stage -> {
            coordinator.stop();
            long atStop = cast.fleet().appliedSteps();
            assertThat(atStop).as("steps applied when the coordinator went down").isLessThan(stage.end());
            stage.release();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cast.fleet().appliedSteps() > atStop);
            coordinator.start();
        });

        FleetDriver.assertConvergedExactlyOnce(coordinator, cast.fleet());
        assertThat(cast.agent().isAlive()).as("the agent process ran through (%s)", cast.agent()).isTrue();
    }
}
