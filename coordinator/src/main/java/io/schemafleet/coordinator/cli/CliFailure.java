package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.SchemafleetException;

/**
 * A command that cannot do what it was asked: printed as one line (or a JSON
 * {@code error} object), exit status 1 (2 for a usage problem: a bad URL, an unreadable
 * token file). {@code type} is the Alembic error class name where there is one.
 */
final class CliFailure extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final int exitCode;

    CliFailure(String type, String message) {
        this(type, message, 1);
    }

    CliFailure(String type, String message, int exitCode) {
        super(message);
        this.type = type;
        this.exitCode = exitCode;
    }

    /** A problem with how the command was called, not with what it was asked: exit status 2. */
    static CliFailure usage(String message) {
        return new CliFailure("UsageError", message, 2);
    }

    int exitCode() {
        return exitCode;
    }

    String type() {
        return type;
    }
}
