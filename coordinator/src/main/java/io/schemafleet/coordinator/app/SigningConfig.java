package io.schemafleet.coordinator.app;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/**
 * How the coordinator signs its events and which signatures its projection trusts
 * (prefix {@code schemafleet.signing}; environment {@code SCHEMAFLEET_SIGNING_KEY_FILE},
 * {@code SCHEMAFLEET_SIGNING_TRUSTED_KEYS}, {@code SCHEMAFLEET_SIGNING_ALLOW_UNSIGNED}).
 * The trust model and the key rotation procedure are in docs/security.md.
 */
@ConfigurationProperties("schemafleet.signing")
public class SigningConfig {
    private String keyFile;
    private List<String> trustedKeys = new ArrayList<>();
    private boolean allowUnsigned;

    /**
     * {@code schemafleet.signing.key-file}: the Ed25519 private key (PKCS#8 PEM) every event
     * is signed with; its key id is the file's {@code Key-Id:} line, or else the public key's
     * fingerprint. Required unless {@code allow-unsigned}. {@code schemafleet keys generate}
     * writes one.
     */
    public String getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile;
    }

    /**
     * {@code schemafleet.signing.trusted-keys}: more public key files (or directories of
     * {@code *.pem}) whose signatures the projection accepts besides its own key's: the
     * previous key during and after a rotation, while events it signed remain in the log.
     * Default none.
     */
    public List<String> getTrustedKeys() {
        return trustedKeys;
    }

    public void setTrustedKeys(List<String> trustedKeys) {
        this.trustedKeys = trustedKeys == null ? new ArrayList<>() : new ArrayList<>(trustedKeys);
    }

    /**
     * {@code schemafleet.signing.allow-unsigned}: development only. Start without a key
     * (events are written unsigned) and project unsigned events. Default false.
     */
    public boolean isAllowUnsigned() {
        return allowUnsigned;
    }

    public void setAllowUnsigned(boolean allowUnsigned) {
        this.allowUnsigned = allowUnsigned;
    }
}
