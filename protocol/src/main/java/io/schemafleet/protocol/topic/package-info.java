/**
 * Kafka topic names, creation specs and record keys ({@link
 * io.schemafleet.protocol.topic.Topics}, {@link io.schemafleet.protocol.topic.TopicSpec}),
 * so that coordinator and agents agree on them. Documented in {@code docs/events.md}.
 */
package io.schemafleet.protocol.topic;
