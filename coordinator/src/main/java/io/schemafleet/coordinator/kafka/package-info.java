/**
 * The coordinator's side of Kafka: creating and checking Schemafleet's topics
 * ({@link io.schemafleet.coordinator.kafka.TopicAdmin}). The event writer and the
 * projection live in {@code publish} and {@code projection}; topic names, partitions and
 * configs come from {@link io.schemafleet.protocol.topic.Topics}.
 */
package io.schemafleet.coordinator.kafka;
