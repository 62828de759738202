/**
 * The coordinator's side of Kafka: creating and checking Schemafleet's topics
 * ({@link io.schemafleet.coordinator.kafka.TopicAdmin}); later the event writer and the
 * projection's consumers. Topic names, partitions and configs come from
 * {@link io.schemafleet.protocol.topic.Topics}.
 */
package io.schemafleet.coordinator.kafka;
