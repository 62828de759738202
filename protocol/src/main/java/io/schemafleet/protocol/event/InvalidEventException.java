package io.schemafleet.protocol.event;

import io.schemafleet.protocol.SchemafleetException;

import java.util.Objects;

/**
 * An event, envelope or body value that breaks the wire contract: thrown by the compact
 * constructors of the event records and by {@link EventCodec#encode(Envelope)}. {@link
 * EventCodec#decode(byte[])} never lets it escape: it becomes a {@link Decoded.Rejected}
 * with {@link #rejection()} as its kind.
 */
public final class InvalidEventException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final Rejection rejection;

    /** An invalid body value ({@link Rejection#INVALID_BODY}). */
    public InvalidEventException(String message) {
        this(Rejection.INVALID_BODY, message);
    }

    public InvalidEventException(Rejection rejection, String message) {
        super(message);
        this.rejection = Objects.requireNonNull(rejection, "rejection");
    }

    /** How a consumer classifies this problem when it meets it on the wire. */
    public Rejection rejection() {
        return rejection;
    }
}
