package io.schemafleet.coordinator.publish;

import io.schemafleet.protocol.SchemafleetException;

/**
 * The coordinator would not do what it was asked, and says why. {@link #reason()}
 * decides the HTTP status; {@link #type()} is a stable code for clients
 * ({@code RevisionFileError}, {@code RevisionConflict}, Alembic's class names for graph
 * errors, {@code Unavailable}, ...).
 */
public final class RequestRefused extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    /** Why, in the terms of the caller's next move. */
    public enum Reason {
        /** The request is wrong; sending it again will not help (HTTP 400). */
        INVALID,
        /** It contradicts what is already published (HTTP 409). */
        CONFLICT,
        /** Part of it is larger than the coordinator takes (HTTP 413). */
        TOO_LARGE,
        /** Kafka or the projection did not answer in time; try again (HTTP 503). */
        UNAVAILABLE
    }

    private final Reason reason;
    private final String type;

    public RequestRefused(Reason reason, String type, String message) {
        this(reason, type, message, null);
    }

    public RequestRefused(Reason reason, String type, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.type = type;
    }

    public Reason reason() {
        return reason;
    }

    public String type() {
        return type;
    }
}
