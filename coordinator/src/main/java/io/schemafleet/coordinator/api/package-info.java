/**
 * The coordinator's HTTP API (JSON, snake_case): publish revisions, start rollouts, read
 * the fleet, tenants and revisions. Documented in {@code docs/api.md}.
 */
package io.schemafleet.coordinator.api;
