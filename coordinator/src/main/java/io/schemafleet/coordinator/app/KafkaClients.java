package io.schemafleet.coordinator.app;

import jakarta.inject.Singleton;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place Kafka clients are configured: bootstrap servers and the pass-through
 * properties from {@link CoordinatorConfig}, then what each client must have.
 */
@Singleton
public class KafkaClients {
    private final CoordinatorConfig config;

    public KafkaClients(CoordinatorConfig config) {
        this.config = config;
    }

    public Admin admin() {
        return Admin.create(base("admin"));
    }

    /**
     * An idempotent, transactional producer ({@code transactional.id} = the producer id);
     * {@code initTransactions} is the caller's.
     */
    public KafkaProducer<String, byte[]> transactionalProducer() {
        Map<String, Object> props = base("writer");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.getProducerId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The transactional producer's {@code transaction.timeout.ms}: as configured in
     * {@code schemafleet.kafka-properties}, or Kafka's default of 60 s.
     */
    public Duration transactionTimeout() {
        String configured = config.getKafkaProperties().get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        return Duration.ofMillis(configured == null ? 60_000 : Long.parseLong(configured.strip()));
    }

    /**
     * A consumer that only sees committed transactions and never uses a consumer group:
     * partitions are assigned and offsets kept by the caller.
     */
    public KafkaConsumer<byte[], byte[]> readCommittedConsumer(String role) {
        Map<String, Object> props = base(role);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll is one projection transaction: bigger polls mean fewer commits when agents
        // report in bursts (docs/benchmarks.md). Kafka's default is 500.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        // Agents in a rollout report a few records at a time. Answered at once, each fetch was
        // a transaction of about two records, and each cost about 4 ms of PostgreSQL time
        // beside its commit (1,000-tenant benchmark, docs/benchmarks.md). The broker now holds
        // a fetch until 256 KiB or 100 ms have gathered: at most ten small transactions a
        // second, the projection at most 100 ms later. A backlog is answered at once.
        props.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> base(String role) {
        Map<String, Object> props = new HashMap<>(config.getKafkaProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.getKafkaBootstrap());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.getProducerId() + "-" + role);
        return props;
    }
}
