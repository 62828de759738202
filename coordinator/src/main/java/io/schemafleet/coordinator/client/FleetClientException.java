package io.schemafleet.coordinator.client;

import io.schemafleet.protocol.SchemafleetException;

/**
 * A request to the coordinator that did not get the answer asked for. {@link #kind()}
 * says whose problem it is: the caller's setup (unreachable, no or a wrong token) or
 * the coordinator's refusal of this request.
 */
public final class FleetClientException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    /** Why the request failed. */
    public enum Kind {
        /** No HTTP answer at all: wrong URL, coordinator down, timeout. */
        UNREACHABLE,
        /** 401: no token, or a token the coordinator does not know. */
        UNAUTHORIZED,
        /** 403: a read-only token on a write. */
        FORBIDDEN,
        /** Any other error status: the coordinator understood and said no. */
        REFUSED
    }

    private final Kind kind;
    private final int status;
    private final String type;
    private final String said;

    /**
     * @param status the HTTP status; 0 for {@link Kind#UNREACHABLE}
     * @param type   the API's error type ({@code NotFound}, {@code Conflict}, …), or a name for the kind
     */
    public FleetClientException(Kind kind, int status, String type, String message, Throwable cause) {
        this(kind, status, type, message, null, cause);
    }

    /** @param said the coordinator's own message, as its answer gave it; null when it gave none */
    public FleetClientException(Kind kind, int status, String type, String message, String said, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.type = type;
        this.said = said;
    }

    /** The coordinator's own message, without what the client adds (status, request); else the whole message. */
    public String said() {
        return said != null ? said : getMessage();
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The caller's setup is wrong (URL, token), not the request: a usage problem. */
    public boolean isSetupProblem() {
        return kind != Kind.REFUSED;
    }
}
