package io.schemafleet.deploy.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The life of one embedded broker, in order: it starts and answers, carries
 * transactions, refuses to invent topics, survives a restart with its data and ports,
 * and on close gives back its port and directory. Start times go to stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaTest {
    private static final String TOPIC = "embedded-kafka-test." + UUID.randomUUID();

    private EmbeddedKafka kafka;

    @BeforeAll
    void start() {
        kafka = EmbeddedKafka.start();
        System.err.printf("EmbeddedKafka: started at %s in %d ms%n",
                kafka.bootstrapServers(), kafka.startupTime().toMillis());
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void answersAsAOneNodeCluster() throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            var cluster = admin.describeCluster();
            assertThat(cluster.nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            assertThat(cluster.controller().get(10, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(kafka.startupTime()).isPositive().isLessThan(EmbeddedKafka.STARTUP_TIMEOUT);
    }

    @Test
    @Order(2)
    void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
        // given
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // when
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 1; i <= 3; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "k4", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }
        // then
        assertThat(readAll(TOPIC)).containsExactly("committed-1", "committed-2", "committed-3");
    }

    @Test
    @Order(3)
    void doesNotCreateTopicsOnFirstUse() {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v")).get())
                    .hasMessageContaining("not present in metadata");
        }
    }

    @Test
    @Order(4)
    void restartKeepsPortsAndCommittedRecords() throws Exception {
        String before = kafka.bootstrapServers();

        kafka.restart();
        System.err.printf("EmbeddedKafka: restarted in %d ms%n", kafka.startupTime().toMillis());

        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        assertThat(readAll(TOPIC)).containsExactly("committed-1", "committed-2", "committed-3");
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions(); // the transaction coordinator came back too
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "k5", "after-restart"));
            producer.commitTransaction();
        }
        assertThat(readAll(TOPIC)).endsWith("after-restart");
    }

    @Test
    @Order(5)
    void closeReleasesThePortAndRemovesTheTemporaryDirectory() throws IOException {
        Path dir = kafka.logDir();
        int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        long begin = System.nanoTime();

        kafka.close();
        System.err.printf("EmbeddedKafka: closed in %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(dir).doesNotExist();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        assertThatCode(kafka::close).doesNotThrowAnyException();
        assertThatThrownBy(kafka::restart).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Order(6)
    void aGivenLogDirectoryIsKeptAndReused(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("kafka-data");
        String topic = "kept." + UUID.randomUUID();
        try (EmbeddedKafka first = EmbeddedKafka.start(dir); Admin admin = Admin.create(first.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(dir.resolve("meta.properties")).exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(dir); Admin admin = Admin.create(second.clientConfig())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        }
        assertThat(dir.resolve("meta.properties")).exists();
    }

    private KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        return new KafkaProducer<>(config);
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** Every committed value on partition 0 of {@code topic}, reading up to the end offset. */
    private List<String> readAll(String topic) throws ExecutionException, InterruptedException {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition), Duration.ofSeconds(30)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
