package io.schemafleet.protocol.trust;

import io.schemafleet.protocol.event.Envelope;

import java.util.Objects;

/**
 * Which events a consumer accepts: those a trusted key signed; unsigned ones too only
 * when {@code allowUnsigned} (development). A signature that names an unknown key or does
 * not verify is refused either way: an unchecked signature is not better than none.
 *
 * @param trusted       the public keys to verify with (may be empty when {@code allowUnsigned})
 * @param allowUnsigned accept events without {@code sig}
 */
public record TrustPolicy(TrustedKeys trusted, boolean allowUnsigned) {
    public TrustPolicy {
        Objects.requireNonNull(trusted, "trusted");
    }

    /** The verdict on {@code envelope}; {@link #accepts(Verification)} says what to do with it. */
    public Verification check(Envelope envelope) {
        return trusted.verify(envelope);
    }

    /** Whether an event with this verdict may be applied. */
    public boolean accepts(Verification verification) {
        return verification.verified() || allowUnsigned && verification.verdict() == Verdict.UNSIGNED;
    }

    /** One line for a startup log: what is trusted and whether unsigned events pass. */
    public String describe() {
        return (trusted.isEmpty() ? "no trusted keys" : "trusted keys " + trusted.ids())
                + (allowUnsigned ? "; UNSIGNED EVENTS ACCEPTED (development mode)" : "");
    }
}
