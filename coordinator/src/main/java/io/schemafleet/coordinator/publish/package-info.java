/**
 * The coordinator's single writer to the log: validates against the projection and
 * appends events in Kafka transactions ({@link io.schemafleet.coordinator.publish.TransactionalSender}
 * keeps the producer, and says whether a write it could not finish was written).
 */
package io.schemafleet.coordinator.publish;
