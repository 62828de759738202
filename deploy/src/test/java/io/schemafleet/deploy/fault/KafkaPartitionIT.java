package io.schemafleet.deploy.fault;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.Resources;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Network partitions between the broker and the processes around it, made by a
 * {@link KafkaProxy} in front of a listener of the test's own broker: the connections stay
 * open and go silent, as in a partition, rather than being reset as in a broker restart.
 */
class KafkaPartitionIT {
    /**
     * Longer than the clients' request timeout below (so that they give requests up and retry
     * meanwhile), and than a transaction's timeout and the broker's check for it.
     */
    private static final Duration PARTITION = Duration.ofSeconds(8);

    @RegisterExtension
    final Resources resources = new Resources();

    /**
     * The agent is cut off from the broker in the middle of each stage but the last. It goes on
     * applying the stage (that needs only its database), its producer gives its requests up
     * and sends them again, and the coordinator hears nothing meanwhile; once the partition
     * heals, the requests held in it arrive too, the stage's reports reach the projection
     * exactly once, and the next stage's rollout reaches the agent.
     */
    @Test
    void theFleetConvergesThroughAPartitionBetweenTheAgentAndTheBroker() throws Exception {
        KafkaProxy agentSide = resources.add(KafkaProxy.open());
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.startBehind(List.of(agentSide.port())));
        agentSide.forwardTo(kafka.boundPortBehind(agentSide.port()));
        TestDatabase db = resources.add(TestDatabase.create("agentpartition"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "agent_partition",
                new CoordinatorFixture("agent_partition", kafka.bootstrapServers()),
                "127.0.0.1:" + agentSide.port(), db.url(), "agent-p",
                Map.of("SCHEMAFLEET_KAFKA_PROP_REQUEST_TIMEOUT_MS", "2000"));
        TenantFleet fleet = cast.fleet();

        FleetDriver.rolloutInStages(cast, stage -> {
            agentSide.partition();
            try {
                stage.release();
                FleetDriver.awaitOrExplain(cast.agent(), Duration.ofSeconds(60),
                        "the agent did not finish stage " + (stage.index() + 1) + " while cut off from the broker",
                        () -> fleet.appliedSteps() == stage.end());
                await().during(PARTITION).atMost(PARTITION.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                        .alias("the coordinator did not hear of the stage's end during the partition")
                        .until(() -> FleetDriver.stepsSeen(cast.coordinator()) < stage.end());
            } finally {
                agentSide.heal();
            }
        });

        FleetDriver.assertConvergedExactlyOnce(cast.coordinator(), fleet);
        assertThat(cast.agent().isAlive()).as("the agent rode out the partitions (%s)", cast.agent()).isTrue();
    }

    /**
     * The coordinator is cut off from the broker right after its commit of a rollout reached
     * the broker: the rollout is written, but the request cannot know it. It must not say that
     * nothing was written, and once the partition heals the coordinator writes again.
     */
    @Test
    void aRolloutWhoseCommitIsAnsweredInAPartitionIsNotReportedUnwritten() throws Exception {
        Lost lost = rolloutInAPartition("commit_answer_lost", true);

        assertThat(lost.answer().status()).as("POST /api/rollouts in the partition: %s", lost.answer()).isEqualTo(503);
        assertThat(lost.answer().json().path("error").path("message").asText()).doesNotContain("nothing was written");
        FleetDriver.awaitConverged(lost.cast().coordinator(), lost.cast().fleet().tenants(), lost.cast().fleet().head(),
                Duration.ofSeconds(60));
        assertThat(FleetDriver.rollout(lost.cast().coordinator(), "head")).as("a rollout after the partition").isNotBlank();
    }

    /**
     * The coordinator is cut off from the broker just before its commit of a rollout: the
     * commit waits in the partition past the transaction's timeout, so the broker aborts the
     * transaction. The rollout is not written, the request does not claim it was, and once
     * the partition heals the coordinator writes again (a rollout then converges the fleet).
     */
    @Test
    void aRolloutWhoseCommitOutlivesItsTransactionIsNotWrittenAndTheNextOneIs() throws Exception {
        Lost lost = rolloutInAPartition("commit_held", false);

        assertThat(lost.answer().status()).as("POST /api/rollouts in the partition: %s", lost.answer()).isEqualTo(503);
        CoordinatorFixture coordinator = lost.cast().coordinator();
        assertThat(coordinator.get("/api/rollouts").json().path("rollouts")).as("rollouts after the partition").isEmpty();
        FleetDriver.rollout(coordinator, "head");
        FleetDriver.awaitConverged(coordinator, lost.cast().fleet().tenants(), lost.cast().fleet().head(),
                Duration.ofSeconds(60));
    }

    private record Lost(FleetDriver.Cast cast, CoordinatorFixture.Reply answer) {
    }

    /**
     * A coordinator behind a proxy (its clients give a request up after 2 s, block at most
     * 3 s, and a transaction times out after 4 s), a fleet, and a rollout to head posted with
     * a partition armed at its commit ({@code deliverCommit}: after the broker got it); the
     * partition heals once the agent acted on the rollout, or when it did not for {@link #PARTITION}.
     */
    private Lost rolloutInAPartition(String test, boolean deliverCommit) throws Exception {
        KafkaProxy coordinatorSide = resources.add(KafkaProxy.open());
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.startBehind(List.of(coordinatorSide.port())));
        coordinatorSide.forwardTo(kafka.boundPortBehind(coordinatorSide.port()));
        TestDatabase db = resources.add(TestDatabase.create(test.replace("_", "")));
        CoordinatorFixture coordinator = new CoordinatorFixture(test, "127.0.0.1:" + coordinatorSide.port())
                .with("schemafleet.kafka-properties.request.timeout.ms", "2000")
                .with("schemafleet.kafka-properties.max.block.ms", "3000")
                .with("schemafleet.kafka-properties.transaction.timeout.ms", "4000")
                .with("schemafleet.await-projection", "5s");
        FleetDriver.Cast cast = FleetDriver.setUp(resources, test, coordinator, kafka.bootstrapServers(), db.url(),
                "agent-" + test.charAt(7), Map.of());

        coordinatorSide.partitionAtRequest(KafkaProxy.END_TXN, deliverCommit);
        long begin = System.nanoTime();
        CoordinatorFixture.Reply answer = coordinator.post("/api/rollouts",
                CoordinatorFixture.JSON.createObjectNode().put("to", "head"));
        System.err.printf("FAULT %s: POST /api/rollouts answered %d after %d ms: %s%n", test, answer.status(),
                (System.nanoTime() - begin) / 1_000_000, answer);
        try {
            assertThat(coordinatorSide.partitioned()).as("the partition started at the commit").isTrue();
            if (deliverCommit) {
                FleetDriver.awaitOrExplain(cast.agent(), Duration.ofSeconds(30),
                        "the agent did not act on the rollout the coordinator committed before it was cut off",
                        () -> cast.fleet().appliedSteps() > 0);
            } else {
                await().during(PARTITION).atMost(PARTITION.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                        .alias("the fleet stays where it was: no rollout reached the agent")
                        .until(() -> cast.fleet().appliedSteps() == 0);
            }
        } finally {
            coordinatorSide.heal();
        }
        return new Lost(cast, answer);
    }
}
