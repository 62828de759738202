package io.schemafleet.coordinator.app;

import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.TrustedKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's keys, loaded once at start from {@link SigningConfig}: the key that
 * signs every event it appends, and the policy its projection verifies the revisions and
 * rollouts topics with (its own public key, plus any configured trusted keys). Without a
 * key the coordinator does not start, unless unsigned events are explicitly allowed.
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE) // created first: a missing key is said before the database or Kafka is reached
public class EventTrust {
    private static final Logger LOG = LoggerFactory.getLogger(EventTrust.class);

    private final SigningKey key;
    private final TrustPolicy policy;

    public EventTrust(SigningConfig config) {
        String file = config.getKeyFile();
        if (file == null || file.isBlank()) {
            if (!config.isAllowUnsigned()) {
                throw new SchemafleetException("no signing key: set SCHEMAFLEET_SIGNING_KEY_FILE (schemafleet.signing"
                        + ".key-file) to the coordinator's Ed25519 private key; `schemafleet keys generate` writes a key"
                        + " pair (docs/security.md). For development only: schemafleet.signing.allow-unsigned=true");
            }
            key = null;
        } else {
            key = SigningKey.read(Path.of(file));
        }
        TrustedKeys trusted = TrustedKeys.load(config.getTrustedKeys().stream()
                .filter(p -> !p.isBlank()).map(Path::of).toList());
        if (key != null) {
            trusted = trusted.with(List.of(key.trustedKey()));
        }
        policy = new TrustPolicy(trusted, config.isAllowUnsigned());
        if (config.isAllowUnsigned()) {
            LOG.warn("DEVELOPMENT MODE (schemafleet.signing.allow-unsigned=true): {}; the projection accepts UNSIGNED"
                    + " events, and agents that accept them run SQL anyone with write access to the topics sends."
                    + " Never do this in production.", key == null ? "events are written UNSIGNED" : "events are signed");
        }
        LOG.info("signing events with {}; the projection verifies with {}",
                key == null ? "no key" : "key " + key.keyId(), policy.describe());
    }

    /** {@code envelope} signed with the coordinator's key; unchanged when running without one (development). */
    public Envelope sign(Envelope envelope) {
        return key == null ? envelope : key.sign(envelope);
    }

    /** The signing key, if there is one. */
    public Optional<SigningKey> signingKey() {
        return Optional.ofNullable(key);
    }

    /** What the projection accepts on the revisions and rollouts topics. */
    public TrustPolicy policy() {
        return policy;
    }
}
