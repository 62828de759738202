package io.schemafleet.deploy.fault;

import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    private static final int TENANTS = 50;

    private final int restarts = Integer.getInteger("schemafleet.fault.restarts", 1);
    private EmbeddedKafka kafka;
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
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void theFleetConvergesThroughABrokerRestartMidRollout() throws Exception {
        kafka = EmbeddedKafka.start();
        coordinator = new CoordinatorFixture("kafka_restart", kafka.bootstrapServers());
        coordinator.start();
        db = TestDatabase.create("kafkarestart");
        List<Revision> chain = BenchRevisions.generate(FleetDriver.REVISIONS_PER_STAGE * (restarts + 1));
        fleet = TenantFleet.create(db.url(), TENANTS, chain, coordinator.signingKey.trustedKey());
        FleetDriver.publish(coordinator, chain);
        TenantFleet.Agent agent = fleet.startAgent(kafka.bootstrapServers(), coordinator.topics, "agent-k");

        FleetDriver.rolloutInStages(coordinator, fleet, chain, (stage, stageEnd) -> kafka.restart());

        FleetDriver.assertConvergedExactlyOnce(coordinator, fleet);
        assertThat(agent.isAlive()).as("the same agent process rode out the restart (%s)", agent).isTrue();
    }
}
