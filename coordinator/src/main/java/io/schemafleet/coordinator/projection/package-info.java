/**
 * The projection of the event log into the coordinator's tables: one consumer, one
 * database transaction per poll holding the rows and the consumed offsets.
 */
package io.schemafleet.coordinator.projection;
