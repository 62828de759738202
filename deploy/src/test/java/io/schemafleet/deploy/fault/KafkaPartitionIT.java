package io.schemafleet.deploy.fault;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.Resources;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Network partitions between the broker and the processes around it, made by a
 * {@link PartitionProxy} in front of a listener of the test's own broker: the connections stay
 * open and go silent, as in a partition, rather than being reset as in a broker restart.
 */
class KafkaPartitionIT {
    /** Longer than the agent's request timeout below, so that it gives requests up and retries meanwhile. */
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
        PartitionProxy agentSide = resources.add(PartitionProxy.forKafka());
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
        CutOff cut = coordinatorCutOffAtItsCommit("commit_answer_lost", true, 3_000, (short) 2);

        CoordinatorFixture.Reply answer;
        try {
            answer = cut.postRollout();
            assertThat(cut.proxy().partitioned()).as("the partition started at the commit").isTrue();
            FleetDriver.awaitOrExplain(cut.cast().agent(), Duration.ofSeconds(30),
                    "the agent did not act on the rollout the coordinator committed before it was cut off",
                    () -> cut.cast().fleet().appliedSteps() > 0);
        } finally {
            cut.proxy().heal();
        }

        assertThat(answer.status()).as("POST /api/rollouts in the partition: %s", answer).isEqualTo(503);
        assertThat(message(answer)).contains("may or may not be written").doesNotContain("nothing was written");
        FleetDriver.awaitConverged(cut.cast().coordinator(), cut.cast().fleet().tenants(), cut.cast().fleet().head(),
                Duration.ofSeconds(60));
        FleetDriver.rollout(cut.cast().coordinator(), "head"); // 201: it writes again
    }

    /**
     * The coordinator is cut off from the broker just before its commit of a rollout, and the
     * partition lasts until the broker has aborted the transaction ({@code transaction.timeout.ms}):
     * <ul>
     * <li>{@code commit_held}: the coordinator gives the commit up first ({@code max.block.ms} 3 s),
     * so it cannot know the outcome, and says so;</li>
     * <li>{@code txn_timed_out}: it waits longer (20 s), the partition heals meanwhile, and the
     * commit reaches a broker that has aborted the transaction: nothing was written. The producer
     * is then in an error state in which it can write nothing more, so the coordinator starts a
     * new one (before that was done, it answered every later write with 503 until restarted).</li>
     * <li>{@code txn_timed_out_tv1}: the same on a broker on transaction version 1, which fences
     * the producer when it aborts the transaction: the coordinator must not take that for another
     * coordinator (and stop writing).</li>
     * </ul>
     * Either way the rollout is not written, and once the partition heals the next one is.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"commit_held, 3000, 2, may or may not be written, nothing was written",
            "txn_timed_out, 20000, 2, nothing was written, outlived",
            "txn_timed_out_tv1, 20000, 1, the transaction outlived transaction.timeout.ms, another coordinator"})
    void aRolloutWhoseCommitIsHeldInAPartitionIsNotWrittenAndTheNextOneIs(String test, int maxBlockMs,
                                                                          short transactionVersion, String said,
                                                                          String notSaid) throws Exception {
        CutOff cut = coordinatorCutOffAtItsCommit(test, false, maxBlockMs, transactionVersion);

        CoordinatorFixture.Reply answer = cut.postRolloutHealingOnceTheBrokerAborted();

        assertThat(answer.status()).as("POST /api/rollouts in the partition: %s", answer).isEqualTo(503);
        assertThat(message(answer)).contains(said).doesNotContain(notSaid).doesNotContain("another coordinator");
        assertNotWrittenAndTheNextRolloutConverges(cut);
    }

    private static String message(CoordinatorFixture.Reply answer) {
        return answer.json().path("error").path("message").asText();
    }

    private static void assertNotWrittenAndTheNextRolloutConverges(CutOff cut) throws Exception {
        CoordinatorFixture coordinator = cut.cast().coordinator();
        assertThat(committedRecords(cut.kafka(), coordinator.topics.rollouts()))
                .as("committed records in the rollouts topic, read from the broker directly").isZero();
        assertThat(cut.cast().fleet().appliedSteps()).as("steps applied").isZero();
        FleetDriver.rollout(coordinator, "head");
        FleetDriver.awaitConverged(coordinator, cut.cast().fleet().tenants(), cut.cast().fleet().head(),
                Duration.ofSeconds(60));
    }

    /** Records a {@code read_committed} reader finds in {@code topic}'s one partition, up to its end. */
    private static int committedRecords(EmbeddedKafka kafka, String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            int records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(consumer.position(partition)).as("read %s to its end", topic).isGreaterThanOrEqualTo(end);
            return records;
        }
    }

    /** A coordinator behind {@code proxy}, whose partition is armed at its next commit. */
    private record CutOff(FleetDriver.Cast cast, PartitionProxy proxy, EmbeddedKafka kafka) {
        CoordinatorFixture.Reply postRollout() {
            long begin = System.nanoTime();
            CoordinatorFixture.Reply answer = cast.coordinator().post("/api/rollouts",
                    CoordinatorFixture.JSON.createObjectNode().put("to", "head"));
            System.err.printf("FAULT %s: POST /api/rollouts answered after %d ms: %s%n", cast.test(),
                    (System.nanoTime() - begin) / 1_000_000, answer);
            return answer;
        }

        /**
         * {@link #postRollout()}, while another thread heals the partition once the broker has
         * aborted the coordinator's transaction ({@code DescribeTransactions}, asked directly).
         */
        CoordinatorFixture.Reply postRolloutHealingOnceTheBrokerAborted() throws Exception {
            CompletableFuture<Void> healed = CompletableFuture.runAsync(() -> {
                try (Admin admin = Admin.create(kafka.clientConfig())) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .alias("the broker aborted the coordinator's transaction").ignoreExceptions().until(() -> {
                                String id = cast.coordinator().producerId();
                                var txn = admin.describeTransactions(List.of(id)).all().get().get(id);
                                return proxy.partitioned() && txn.state() == TransactionState.COMPLETE_ABORT;
                            });
                } finally {
                    proxy.heal();
                }
            });
            CoordinatorFixture.Reply answer = postRollout();
            healed.get(60, TimeUnit.SECONDS);
            return answer;
        }
    }

    /** The embedded broker's (Kafka 4's default): the broker aborts a timed-out transaction without fencing. */
    private static final short TRANSACTION_VERSION_OF_THE_BROKER = 2;

    /**
     * A coordinator behind a proxy (its clients give a request up after 2 s, a transaction
     * times out after 4 s, and it waits {@code maxBlockMs} for a commit), a fleet with its agent
     * on the broker directly, and a partition armed at the coordinator's next commit
     * ({@code deliverCommit}: after the broker got it).
     */
    private CutOff coordinatorCutOffAtItsCommit(String test, boolean deliverCommit, int maxBlockMs,
                                                short transactionVersion) throws Exception {
        PartitionProxy proxy = resources.add(PartitionProxy.forKafka());
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.startBehind(List.of(proxy.port())));
        proxy.forwardTo(kafka.boundPortBehind(proxy.port()));
        if (transactionVersion != TRANSACTION_VERSION_OF_THE_BROKER) {
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                admin.updateFeatures(Map.of("transaction.version", new FeatureUpdate(transactionVersion,
                        FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)), new UpdateFeaturesOptions()).all()
                        .get(30, TimeUnit.SECONDS);
            }
        }
        TestDatabase db = resources.add(TestDatabase.create(test.replace("_", "")));
        CoordinatorFixture coordinator = new CoordinatorFixture(test, "127.0.0.1:" + proxy.port())
                .with("schemafleet.kafka-properties.request.timeout.ms", "2000")
                .with("schemafleet.kafka-properties.max.block.ms", String.valueOf(maxBlockMs))
                .with("schemafleet.kafka-properties.transaction.timeout.ms", "4000")
                .with("schemafleet.await-projection", "5s");
        FleetDriver.Cast cast = FleetDriver.setUp(resources, test, coordinator, kafka.bootstrapServers(), db.url(),
                "agent-" + test.replace("_", "-"), Map.of());
        proxy.partitionAtRequest(PartitionProxy.END_TXN, deliverCommit);
        return new CutOff(cast, proxy, kafka);
    }
}
