/**
 * A client of the coordinator's HTTP API, shared by the fleet commands of the
 * {@code schemafleet} command line and by the embedded demo: the requests
 * ({@link io.schemafleet.coordinator.client.FleetClient}), the fleet view, and the live
 * progress shown while the fleet converges
 * ({@link io.schemafleet.coordinator.client.FleetWatch}).
 */
package io.schemafleet.coordinator.client;
