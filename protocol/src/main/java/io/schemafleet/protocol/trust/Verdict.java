package io.schemafleet.protocol.trust;

/** What checking an envelope's signature found; {@link #code()} is stable (logs, metrics, poison kinds). */
public enum Verdict {
    /** Signed by a trusted key, and the signature matches the content. */
    VERIFIED("verified"),
    /** No {@code sig} at all. */
    UNSIGNED("unsigned"),
    /** Signed, but with a key id no trusted key has. */
    UNKNOWN_KEY("unknown_key"),
    /** Signed with a trusted key id, but the signature does not verify: forged or tampered with. */
    BAD_SIGNATURE("bad_signature");

    private final String code;

    Verdict(String code) {
        this.code = code;
    }

    /** The stable code, e.g. {@code "bad_signature"}. */
    public String code() {
        return code;
    }
}
