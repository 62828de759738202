package io.schemafleet.protocol.trust;

import java.util.Objects;

/**
 * The verdict on one envelope's signature.
 *
 * @param verdict what was found
 * @param keyId   the key id the envelope names; null when unsigned
 * @param reason  one line for a log or a report, without any of the event's content
 */
public record Verification(Verdict verdict, String keyId, String reason) {
    public Verification {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /** True when a trusted key signed exactly this content. */
    public boolean verified() {
        return verdict == Verdict.VERIFIED;
    }
}
