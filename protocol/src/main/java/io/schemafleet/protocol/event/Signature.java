package io.schemafleet.protocol.event;

import java.util.Base64;

/**
 * A signature over an envelope: Ed25519 over {@link CanonicalJson#canonicalBytes(Envelope)}
 * (the canonical envelope without {@code sig}). Signing and verification come in a later
 * issue; this record fixes the wire shape, {@code {"key_id": …, "value": …}}.
 *
 * @param keyId which configured public key verifies it ({@code [A-Za-z0-9._:-]}, 1 to 128)
 * @param value the signature bytes, standard Base64 with padding
 */
public record Signature(String keyId, String value) {
    public Signature {
        Checks.matches(keyId, Checks.EVENT_ID, Checks.EVENT_ID_RULE, "sig.key_id");
        Checks.present(value, "sig.value");
        try {
            if (value.isEmpty() || Base64.getDecoder().decode(value).length == 0) {
                throw new InvalidEventException(Rejection.MALFORMED, "sig.value must not be empty");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(Rejection.MALFORMED, "sig.value is not Base64");
        }
    }
}
