/**
 * The {@code schemafleet} command line: local authoring and inspection of a revisions
 * directory (no server needed). Fleet commands against the coordinator's API join later.
 */
package io.schemafleet.coordinator.cli;
