package io.schemafleet.deploy.coordinator;

import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a coordinator configured with a signing key writes on its topics is signed with
 * that key, and verifies with its public key. (Starting without a key is refused:
 * {@code EventTrustTest} in the coordinator module, and {@code CoordinatorStartIT} through
 * the command line.)
 */
class SigningConfigIT {
    @Test
    void aPublishedRevisionIsSignedWithTheConfiguredKey() throws Exception {
        try (CoordinatorFixture coordinator = new CoordinatorFixture("signs")) {
            coordinator.start();
            assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(
                    CoordinatorFixture.exampleFiles())).status()).isEqualTo(201);

            List<Decoded.Event> events = read(coordinator.topics.revisions());

            assertThat(events).isNotEmpty().allSatisfy(e -> {
                assertThat(e.envelope().sig()).isNotNull();
                assertThat(coordinator.agentTrust().check(e.envelope()).verified()).isTrue();
            });
        }
    }

    private static List<Decoded.Event> read(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                TestKafka.broker().bootstrapServers(), "isolation.level", "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<Decoded.Event> out = new ArrayList<>();
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (EventCodec.decode(r.value()) instanceof Decoded.Event e) {
                        out.add(e);
                    }
                }
            }
            return out;
        }
    }
}
