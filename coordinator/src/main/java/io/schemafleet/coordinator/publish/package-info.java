/**
 * The coordinator's single writer to the log: validates against the projection and
 * appends events in Kafka transactions.
 */
package io.schemafleet.coordinator.publish;
