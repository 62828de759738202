/** Conventions the coordinator's and the agents' Prometheus metrics share. */
package io.schemafleet.protocol.metrics;
