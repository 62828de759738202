package io.schemafleet.deploy.fault;

import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills an agent process with SIGKILL at random moments of a rollout and checks, after
 * every kill, that no tenant is half-migrated: each one's version row names a version
 * whose schema fingerprint is exactly the tenant's, and no step was applied twice. Then a
 * restarted agent converges every tenant, and the reports name every step applied, those a
 * killed agent had not reported included.
 *
 * <p>Seeded. The default suite kills {@value #DEFAULT_KILLS} times over 200 tenants × 20
 * revisions; {@code -Dschemafleet.fault.kills=50} runs the full exercise.
 */
class AgentCrashIT {
    private static final int DEFAULT_KILLS = 3;
    private static final int TENANTS = 200;
    private static final int REVISIONS = 20;
    private static final long SEED = Long.getLong("schemafleet.fault.seed", 20261121L);

    /** Signs the events as the coordinator would; the agent processes trust its public half only. */
    private final SigningKey key = SigningKey.generate("crash-test");
    private TestDatabase db;
    private TenantFleet fleet;

    @AfterEach
    void tearDown() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void killedAgentsNeverLeaveAHalfAppliedStepAndARestartConverges() throws Exception {
        int kills = Integer.getInteger("schemafleet.fault.kills", DEFAULT_KILLS);
        Random random = new Random(SEED);
        TestKafka kafka = TestKafka.broker();
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("crash"));
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).ensure(topics);
        }
        db = TestDatabase.create("crash");
        List<Revision> chain = BenchRevisions.generate(REVISIONS);
        fleet = TenantFleet.create(db.url(), TENANTS, chain, key.trustedKey());

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "enable.idempotence", true), new StringSerializer(),
                new ByteArraySerializer())) {
            for (Revision r : chain) {
                send(producer, topics, RevisionPublished.of(r));
            }
            send(producer, topics, RolloutStarted.toWholeFleet("crash-1", "head"));
        }

        long totalSteps = fleet.totalSteps();
        for (int kill = 0; kill < kills; kill++) {
            long before = fleet.appliedSteps();
            // Kill somewhere in the next stretch of the rollout: after a random number of further steps.
            long target = Math.min(totalSteps - 1, before + 1 + random.nextInt((int) (totalSteps / (kills + 1))));
            TenantFleet.Agent agent = fleet.startAgent(kafka.bootstrapServers(), topics, "crash-agent");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.appliedSteps() >= target || !agent.isAlive());
            assertThat(agent.isAlive()).as("the agent process is still running (see %s)", agent).isTrue();
            agent.kill();
            fleet.assertNoTenantHalfMigrated();
        }

        assertThat(fleet.appliedSteps()).as("the kills interrupted the rollout").isLessThan(totalSteps);
        fleet.startAgent(kafka.bootstrapServers(), topics, "crash-agent");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> fleet.tenantsAt(fleet.head()) == TENANTS);
        fleet.assertNoTenantHalfMigrated();
        assertThat(fleet.appliedSteps()).as("every step applied exactly once over all the kills").isEqualTo(totalSteps);

        // Steps a killed agent had not reported yet are sent again by the next one, each naming
        // its history row: the reports name every applied step, and nothing else.
        Set<String> applied = fleet.appliedRows();
        Set<String> reported = new HashSet<>();
        try (KafkaConsumer<String, byte[]> reports = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reports.partitionsFor(topics.reports()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reports.assign(partitions);
            reports.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).untilAsserted(() -> {
                for (ConsumerRecord<String, byte[]> r : reports.poll(Duration.ofMillis(200))) {
                    if (EventCodec.decode(r.value()) instanceof Decoded.Event e) {
                        e.bodyAs(TenantReport.class).ifPresent(report -> report.steps().stream()
                                .filter(TenantReport.Step::identified)
                                .forEach(step -> reported.add(TenantFleet.stepKey(report.tenant(), step))));
                    }
                }
                assertThat(reported).as("steps the reports name").containsAll(applied);
            });
        }
        assertThat(reported).as("steps the reports name, against the tenants' history tables").isEqualTo(applied)
                .hasSize((int) totalSteps);
    }

    private void send(KafkaProducer<String, byte[]> producer, Topics topics, EventBody body) throws Exception {
        producer.send(new ProducerRecord<>(topics.topicFor(body.type()), Topics.keyFor(body),
                EventCodec.encode(key.sign(Envelopes.of(body, "coordinator"))))).get();
    }
}
