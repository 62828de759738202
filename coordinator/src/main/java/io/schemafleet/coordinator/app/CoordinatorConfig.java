package io.schemafleet.coordinator.app;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.core.naming.conventions.StringConvention;
import io.schemafleet.protocol.topic.Topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of the coordinator's own, declared once (prefix {@code schemafleet}):
 * key, default and what it means. Set them in {@code application.yml}, as system
 * properties ({@code -Dschemafleet.topic-prefix=...}) or environment variables
 * ({@code SCHEMAFLEET_KAFKA_BOOTSTRAP}, {@code SCHEMAFLEET_TOPIC_PREFIX}, ...). The
 * database is Micronaut's {@code datasources.default.*} ({@code DATASOURCES_DEFAULT_URL},
 * {@code _USERNAME}, {@code _PASSWORD}); the HTTP port is {@code micronaut.server.port}.
 */
@ConfigurationProperties("schemafleet")
public class CoordinatorConfig {
    private String kafkaBootstrap = "localhost:9092";
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private int reportPartitions = Topics.DEFAULT_REPORT_PARTITIONS;
    private Short replicationFactor;
    private String producerId;
    private Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private Duration awaitProjection = Duration.ofSeconds(30);
    private Duration describeTimeout = Duration.ofSeconds(15);
    private Duration rolloutTick = Duration.ofSeconds(1);
    private int maxRevisionBytes = DEFAULT_MAX_REVISION_BYTES;

    /**
     * Default of {@link #getMaxRevisionBytes()}: 2 MiB. A revision's event carries its SQL
     * JSON-escaped (up to twice as long) and must stay under the 8 MiB a record may have.
     */
    public static final int DEFAULT_MAX_REVISION_BYTES = 2 * 1024 * 1024;

    /** {@code schemafleet.kafka-bootstrap}: Kafka bootstrap servers, {@code host:port[,host:port]}. Default {@code localhost:9092}. */
    public String getKafkaBootstrap() {
        return kafkaBootstrap;
    }

    public void setKafkaBootstrap(String kafkaBootstrap) {
        this.kafkaBootstrap = Objects.requireNonNull(kafkaBootstrap, "schemafleet.kafka-bootstrap");
    }

    /** {@code schemafleet.topic-prefix}: topics are {@code <prefix>.revisions}, {@code .rollouts}, {@code .reports}. Default {@code schemafleet}. */
    public String getTopicPrefix() {
        return topicPrefix;
    }

    public void setTopicPrefix(String topicPrefix) {
        this.topicPrefix = topicPrefix;
    }

    /** {@code schemafleet.report-partitions}: partitions of a newly created reports topic (and the minimum expected of an existing one). Default 6. */
    public int getReportPartitions() {
        return reportPartitions;
    }

    public void setReportPartitions(int reportPartitions) {
        this.reportPartitions = reportPartitions;
    }

    /** {@code schemafleet.replication-factor}: for topics the coordinator creates; unset = the broker's default. */
    public Short getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(Short replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    /**
     * {@code schemafleet.producer-id}: the event writer's Kafka {@code transactional.id}
     * and the envelopes' {@code producer}. A second coordinator with the same id fences
     * the first. Default {@code <topic prefix>-coordinator} ({@code schemafleet-coordinator}),
     * so that the coordinators of separate fleets on one Kafka cluster do not fence each other.
     */
    public String getProducerId() {
        return producerId != null ? producerId : topicPrefix + "-coordinator";
    }

    public void setProducerId(String producerId) {
        this.producerId = producerId;
    }

    /**
     * {@code schemafleet.kafka-properties.*}: extra Kafka client properties passed as they
     * are to the admin client, producer and consumer (SASL/SSL:
     * {@code schemafleet.kafka-properties.security.protocol=SASL_SSL}, ...). Default none.
     */
    public Map<String, String> getKafkaProperties() {
        return kafkaProperties;
    }

    public void setKafkaProperties(@MapFormat(transformation = MapFormat.MapTransformation.FLAT,
            keyFormat = StringConvention.RAW) Map<String, String> kafkaProperties) {
        this.kafkaProperties = new LinkedHashMap<>(kafkaProperties);
    }

    /**
     * {@code schemafleet.await-projection}: how long a publish or rollout request waits for
     * the projection to catch up with the log (before validating, and after appending so
     * that the answer is visible to reads; a retry request answers anyway after this long,
     * saying it is not applied yet). Default 30 s.
     */
    public Duration getAwaitProjection() {
        return awaitProjection;
    }

    public void setAwaitProjection(Duration awaitProjection) {
        this.awaitProjection = awaitProjection;
    }

    /**
     * {@code schemafleet.describe-timeout}: how long a diff request waits for the tenants'
     * agents to send their schema descriptions. Default 15 s.
     */
    public Duration getDescribeTimeout() {
        return describeTimeout;
    }

    public void setDescribeTimeout(Duration describeTimeout) {
        this.describeTimeout = describeTimeout;
    }

    /**
     * {@code schemafleet.rollout-tick}: how often the rollout engine looks at the current
     * rollout (admits the next wave, halts, completes). Soaks and failure detection are
     * this precise. Default 1 s.
     */
    public Duration getRolloutTick() {
        return rolloutTick;
    }

    public void setRolloutTick(Duration rolloutTick) {
        if (rolloutTick.isNegative() || rolloutTick.isZero()) {
            throw new IllegalArgumentException("schemafleet.rollout-tick must be positive, got " + rolloutTick);
        }
        this.rolloutTick = rolloutTick;
    }

    /**
     * {@code schemafleet.max-revision-bytes}: the largest revision file {@code POST
     * /api/revisions} takes (UTF-8 bytes of its content; {@code 512KB}, {@code 4MB} work too);
     * a larger one is refused with 413 {@code RevisionTooLarge}. Default 2 MiB; at most 4 MiB,
     * so that its event fits in a record.
     */
    public int getMaxRevisionBytes() {
        return maxRevisionBytes;
    }

    public void setMaxRevisionBytes(@ReadableBytes int maxRevisionBytes) {
        if (maxRevisionBytes < 1 || maxRevisionBytes > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("schemafleet.max-revision-bytes must be 1 to 4194304 (4 MiB), got "
                    + maxRevisionBytes);
        }
        this.maxRevisionBytes = maxRevisionBytes;
    }

    /** The topics these settings name. */
    public Topics topics() {
        return new Topics(topicPrefix, reportPartitions);
    }
}
