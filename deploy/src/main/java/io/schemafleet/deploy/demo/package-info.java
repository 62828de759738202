/**
 * {@code schemafleet demo}: the one-command fleet. An embedded Kafka broker and
 * PostgreSQL server, the coordinator and two agents in one JVM, the example revisions
 * published and rolled out through the coordinator's HTTP API, and the fleet's progress
 * as {@code GET /api/fleet} shows it. Not for production: see docs/demo.md.
 */
package io.schemafleet.deploy.demo;
