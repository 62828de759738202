package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts the Kafka broker in the middle of a rollout, with a coordinator and an agent
 * process connected to it. While the broker is down the agent keeps applying steps (they
 * need only its database) and its reports wait in its producer; afterwards the next
 * rollout goes through the restarted broker (the coordinator's transactional writer, the
 * agent's log consumer), the reports from before, during and after the outage reach the
 * projection exactly once, and the fleet converges with every step applied once.
 *
 * <p>The broker is this test's own {@link EmbeddedKafka} (restarting the shared one would
 * disturb whatever else uses it); it restarts on the same ports and log directory. One
 * restart by default; {@code -Dschemafleet.fault.restarts=N} restarts it N times, once in
 * each stage of a longer chain.
 */
class KafkaRestartIT {
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void theFleetConvergesThroughABrokerRestartMidRollout() throws Exception {
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.start());
        TestDatabase db = resources.add(TestDatabase.create("kafkarestart"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "kafka_restart", kafka.bootstrapServers(), db.url(),
                "agent-k");

        FleetDriver.rolloutInStages(cast, stage -> kafka.restart());

        FleetDriver.assertConvergedExactlyOnce(cast.coordinator(), cast.fleet());
        assertThat(cast.agent().isAlive()).as("the same agent process rode out the restart (%s)", cast.agent())
                .isTrue();
    }
}
