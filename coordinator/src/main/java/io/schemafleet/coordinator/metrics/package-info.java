/**
 * The coordinator's Prometheus metrics (served at {@code /prometheus}; docs/metrics.md):
 * fleet gauges read from the projection's tables on scrape, and the step duration
 * histogram fed by the projection as it applies reports.
 */
package io.schemafleet.coordinator.metrics;
