/**
 * API token auth: bearer tokens with a read-only or an operator role, configured as
 * SHA-256 hashes ({@link io.schemafleet.coordinator.security.AuthConfig}), checked by one
 * path-based filter ({@link io.schemafleet.coordinator.security.AuthFilter}) in front of
 * every route.
 */
package io.schemafleet.coordinator.security;
