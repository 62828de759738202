package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Duplicate, delayed and reordered delivery: a test producer re-sends old events, the
 * very signed records already in the log (published revisions, an older rollout, retry
 * requests), shuffled, again and again while a newer rollout runs, and again after it
 * finished (the first rounds while one tenant's lock is held, so that they certainly land
 * before the rollout can finish). They are valid events, so nothing refuses them; they
 * must simply change nothing: no step is applied that the rollouts did not ask for (the history counts
 * exactly one application per revision and tenant, and no downgrade), no tenant's reported
 * heads ever go backwards, and the coordinator's fleet view stays on the newest rollout.
 *
 * <p>Only re-sent copies are tested. An event signed long ago but never delivered before
 * (a new rollout id with an old time) is a different question, how rollouts are ordered,
 * which the rollout model answers (docs/rollouts.md).
 *
 * <p>A last rollout to one more revision, after every replay, is the barrier: once every
 * tenant reached it, the agent and the projection have read every replayed record before
 * it (same partitions) and acted on them. Seeded ({@code -Dschemafleet.fault.seed});
 * {@code -Dschemafleet.fault.replays=N} sends N shuffled rounds after the rollout instead of 3.
 */
class DuplicateDeliveryIT {
    private static final int STAGE = FleetDriver.REVISIONS_PER_STAGE;
    private static final long SEED = Long.getLong("schemafleet.fault.seed", 20261121L);

    private final int replaysAfter = Integer.getInteger("schemafleet.fault.replays", 3);
    @RegisterExtension
    final Resources resources = new Resources();
    private CoordinatorFixture coordinator;

    @Test
    void reSentOldEventsInAnyOrderApplyNoExtraStepAndRegressNoTenant() throws Exception {
        Random random = new Random(SEED);
        TestDatabase db = resources.add(TestDatabase.create("duplicates"));
        // Two stages of revisions, then one more: the barrier.
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "duplicates", TestKafka.broker().bootstrapServers(),
                db.url(), FleetDriver.TENANTS, 2 * STAGE + 1, "agent-d");
        coordinator = cast.coordinator();
        TenantFleet fleet = cast.fleet();
        List<Revision> chain = cast.chain();
        String middle = chain.get(STAGE - 1).id();
        String second = chain.get(2 * STAGE - 1).id();

        // The first stage, and retry requests for tenants that need none.
        String first = FleetDriver.rollout(coordinator, middle);
        FleetDriver.awaitConverged(coordinator, fleet.tenants(), middle, Duration.ofSeconds(60));
        for (String tenant : List.of("fi_000", "fi_001", "fi_002")) {
            assertThat(coordinator.post("/api/tenants/" + tenant + "/retry", CoordinatorFixture.JSON.createObjectNode())
                    .status()).isEqualTo(202);
        }
        List<ConsumerRecord<String, byte[]>> old = coordinatorEvents(coordinator.topics);
        assertThat(types(old)).as("events to re-send, by type").containsEntry("revision_published", chain.size())
                .containsEntry("rollout_started", 1).containsEntry("tenant_retry_requested", 3);

        // The second stage, with those events re-sent all through it. Holding the first tenant's
        // lock keeps the stage from finishing before the first rounds (the agent is fast).
        long stageEnd = 2L * STAGE * fleet.tenants();
        String newer;
        int rounds = 0;
        try (TenantFleet.Hold hold = fleet.hold(0)) {
            newer = FleetDriver.rollout(coordinator, second);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.appliedSteps() > STAGE * fleet.tenants());
            for (; rounds < 3; rounds++) {
                assertThat(fleet.appliedSteps()).as("steps applied as old events are re-sent").isLessThan(stageEnd);
                resend(old, random);
            }
        }
        while (fleet.appliedSteps() < stageEnd) {
            resend(old, random);
            rounds++;
            assertThat(fleet.appliedDowngrades()).as("downgrades while old events were re-sent").isZero();
        }
        awaitAllAt(fleet, second);
        // After it: every event so far, the newer rollout too, delivered late and out of order.
        List<ConsumerRecord<String, byte[]>> all = coordinatorEvents(coordinator.topics);
        assertThat(types(all)).as("every event so far, by type").containsEntry("revision_published", chain.size())
                .containsEntry("rollout_started", 2).containsEntry("tenant_retry_requested", 3);
        for (int i = 0; i < replaysAfter; i++) {
            resend(all, random);
        }
        System.err.printf("FAULT duplicates: %d rounds of %d old events during the rollout, %d rounds of %d after%n",
                rounds, old.size(), replaysAfter, all.size());

        String barrier = FleetDriver.rollout(coordinator, "head");
        awaitAllAt(fleet, fleet.head());

        JsonNode view = FleetDriver.assertConvergedExactlyOnce(coordinator, fleet);
        assertThat(view.path("rollout").asText()).as("the fleet's rollout").isEqualTo(barrier)
                .isNotIn(first, newer);
        assertThat(view.path("poison_records").asLong()).as("re-sent events are valid, not poison").isZero();
        assertThat(headsThatWentBack(chain)).as("tenants whose reported heads went backwards").isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode agents = coordinator.get("/api/agents").json().path("agents");
            assertThat(agents.findValuesAsText("id")).containsExactly("agent-d");
            assertThat(agents.get(0).path("refused_events").asLong()).as("events the agent refused").isZero();
        });
        assertThat(cast.agent().isAlive()).as("%s", cast.agent()).isTrue();
    }

    /** Waits until every tenant is at {@code version}; fails at once if any tenant was downgraded. */
    private static void awaitAllAt(TenantFleet fleet, String version) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .failFast("a tenant was downgraded: a re-sent old rollout was obeyed",
                        () -> fleet.appliedDowngrades() > 0)
                .until(() -> fleet.tenantsAt(version) == fleet.tenants());
    }

    /** Every event now on the revisions and rollouts topics, in log order; re-sent copies only once. */
    private static List<ConsumerRecord<String, byte[]>> coordinatorEvents(Topics topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.revisions(), topics.rollouts())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<ByteBuffer, ConsumerRecord<String, byte[]>> out = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading the coordinator's topics").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.putIfAbsent(ByteBuffer.wrap(r.value()), r));
            }
            return List.copyOf(out.values());
        }
    }

    /** How many of {@code records} are events of each type (by wire code). */
    private static Map<String, Integer> types(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Decoded decoded = EventCodec.decode(r.value());
            String type = decoded instanceof Decoded.Event e ? e.envelope().type().code() : "not an event";
            out.merge(type, 1, Integer::sum);
        }
        return out;
    }

    /** Writes a shuffled copy of {@code records}: the same keys, the same signed bytes. */
    private void resend(List<ConsumerRecord<String, byte[]>> records, Random random) {
        List<ConsumerRecord<String, byte[]>> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        for (ConsumerRecord<String, byte[]> r : shuffled) {
            coordinator.raw(r.topic(), r.key(), r.value());
        }
    }

    /**
     * Tenants whose reports, in log order, name a version earlier in the chain than one they
     * reported before: what a re-sent old rollout obeyed would look like from the coordinator.
     */
    private List<String> headsThatWentBack(List<Revision> chain) throws Exception {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            index.put(chain.get(i).id(), i);
        }
        List<String> out = new ArrayList<>();
        Map<String, Integer> highest = new HashMap<>();
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tenant, heads FROM tenant_events WHERE type = 'tenant_report'"
                     + " ORDER BY tenant, partition, \"offset\"")) {
            while (rs.next()) {
                String tenant = rs.getString(1);
                int at = index.getOrDefault(rs.getString(2), -1);
                Integer before = highest.put(tenant, Math.max(at, highest.getOrDefault(tenant, -1)));
                if (before != null && at < before && !out.contains(tenant)) {
                    out.add(tenant + " (" + chain.get(before).id() + " then " + rs.getString(2) + ")");
                }
            }
        }
        return out;
    }
}
