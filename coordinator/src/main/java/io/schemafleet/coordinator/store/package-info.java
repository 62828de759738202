/**
 * Read side of the projection: Micronaut Data repositories and the queries that need SQL
 * of their own.
 */
package io.schemafleet.coordinator.store;
