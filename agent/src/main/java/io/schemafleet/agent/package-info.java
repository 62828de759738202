/**
 * The agent: brings each tenant database to its destination revision and reports what
 * it did. Reads revisions through {@code protocol} only; never the coordinator's tables.
 */
package io.schemafleet.agent;
