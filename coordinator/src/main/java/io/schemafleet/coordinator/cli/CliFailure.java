package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.SchemafleetException;

/**
 * A command that cannot do what it was asked: printed as one line (or a JSON
 * {@code error} object), exit status 1. {@code type} is the Alembic error class name
 * where there is one.
 */
final class CliFailure extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final String type;

    CliFailure(String type, String message) {
        super(message);
        this.type = type;
    }

    String type() {
        return type;
    }
}
