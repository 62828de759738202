package io.schemafleet.protocol.event;

/**
 * Why a record was rejected by {@link EventCodec#decode(byte[])}, as a stable code for
 * logs and metrics ({@link #code()}; never the ordinal). The human-readable detail is
 * in {@link Decoded.Rejected#reason()}.
 */
public enum Rejection {
    /** Empty value, not JSON, not an object, or an envelope field missing or of the wrong kind. */
    MALFORMED("malformed"),
    /** Larger than {@link EventCodec#MAX_EVENT_BYTES}. */
    TOO_LARGE("too_large"),
    /** A {@code type} this build does not know (newer producer, or garbage). */
    UNKNOWN_TYPE("unknown_type"),
    /** A {@code schema} version this build cannot read (newer than it knows, or below 1). */
    UNSUPPORTED_SCHEMA("unsupported_schema"),
    /** A well-formed envelope whose body is missing fields, has wrong types or invalid values. */
    INVALID_BODY("invalid_body"),
    /** A {@code revision_published} body whose checksum does not match its content. */
    CHECKSUM_MISMATCH("checksum_mismatch");

    private final String code;

    Rejection(String code) {
        this.code = code;
    }

    /** The stable code, e.g. {@code "unknown_type"}. */
    public String code() {
        return code;
    }
}
