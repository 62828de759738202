package io.schemafleet.protocol.topic;

import io.schemafleet.protocol.SchemafleetException;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a Schemafleet topic must be created (and what an existing one is checked
 * against). The replication factor is not part of it: that is the deployment's choice.
 *
 * @param name       the full topic name (legal Kafka name, at most 249 characters)
 * @param partitions number of partitions, 1 or more
 * @param configs    topic-level configs, e.g. {@code cleanup.policy=compact} (sorted by key)
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        Topics.requireLegalName(name, "topic name", Topics.MAX_TOPIC_LENGTH);
        if (partitions < 1) {
            throw new SchemafleetException("topic " + name + " needs at least 1 partition, got " + partitions);
        }
        Objects.requireNonNull(configs, "configs");
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }
}
