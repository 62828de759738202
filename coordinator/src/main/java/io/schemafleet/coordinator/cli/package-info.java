/**
 * The {@code schemafleet} command line: local authoring and inspection of a revisions
 * directory (no server needed), and the fleet commands ({@code publish}, {@code rollout},
 * {@code status}, {@code tenants}, {@code tenant}, {@code retry}, {@code watch}) against
 * the coordinator's API through {@link io.schemafleet.coordinator.client.FleetClient}.
 */
package io.schemafleet.coordinator.cli;
