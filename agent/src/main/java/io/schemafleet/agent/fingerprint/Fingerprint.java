package io.schemafleet.agent.fingerprint;

import java.util.Objects;

/**
 * A tenant schema's fingerprint: two tenants with the same DDL have the same one,
 * whatever their schema names and whatever rows they hold.
 *
 * @param sha256      SHA-256 of {@code description} (UTF-8), 64 lowercase hex digits
 * @param description the normalized description that was hashed: one object or
 *                    property per line, deterministic order, human-readable (diff two
 *                    of them to see what drifted)
 */
public record Fingerprint(String sha256, String description) {
    public Fingerprint {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(description, "description");
    }
}
