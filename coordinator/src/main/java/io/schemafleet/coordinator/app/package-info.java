/**
 * The coordinator service's wiring: its settings ({@link io.schemafleet.coordinator.app.CoordinatorConfig}),
 * Kafka clients, what happens at start, and how to start it.
 */
package io.schemafleet.coordinator.app;
