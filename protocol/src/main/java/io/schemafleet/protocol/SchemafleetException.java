package io.schemafleet.protocol;

/**
 * Root of every exception Schemafleet throws on purpose. Unchecked: callers that can
 * do something about a failure catch the specific subtype; everything else reaches the
 * top level, which prints {@link #getMessage()} as one line for the operator.
 */
public class SchemafleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchemafleetException(String message) {
        super(message);
    }

    public SchemafleetException(String message, Throwable cause) {
        super(message, cause);
    }
}
