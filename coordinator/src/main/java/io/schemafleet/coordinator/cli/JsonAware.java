package io.schemafleet.coordinator.cli;

/** A command whose errors are printed as JSON when it was asked for JSON. */
interface JsonAware {
    boolean json();
}
