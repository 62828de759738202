package io.schemafleet.coordinator.security;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/**
 * The API's token auth (prefix {@code schemafleet.auth}). Tokens are configured as the
 * lower-case hex SHA-256 of the token ({@code schemafleet token generate} prints both), so
 * the configuration holds nothing that grants access by itself. From the environment:
 * {@code SCHEMAFLEET_AUTH_OPERATOR_TOKENS=hash1,hash2}, or a file of hashes (one a line,
 * for a mounted Kubernetes Secret) with {@code SCHEMAFLEET_AUTH_OPERATOR_TOKENS_FILE}.
 */
@ConfigurationProperties("schemafleet.auth")
public class AuthConfig {
    private boolean enabled = true;
    private List<String> operatorTokens = new ArrayList<>();
    private List<String> readOnlyTokens = new ArrayList<>();
    private String operatorTokensFile;
    private String readOnlyTokensFile;

    /** {@code schemafleet.auth.enabled}: check tokens on the API and the metrics. Default true; false logs a warning at start. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@code schemafleet.auth.operator-tokens}: SHA-256 hex hashes of the operator tokens (read and write). Default none. */
    public List<String> getOperatorTokens() {
        return operatorTokens;
    }

    public void setOperatorTokens(List<String> operatorTokens) {
        this.operatorTokens = new ArrayList<>(operatorTokens);
    }

    /** {@code schemafleet.auth.read-only-tokens}: SHA-256 hex hashes of the read-only tokens (GET only). Default none. */
    public List<String> getReadOnlyTokens() {
        return readOnlyTokens;
    }

    public void setReadOnlyTokens(List<String> readOnlyTokens) {
        this.readOnlyTokens = new ArrayList<>(readOnlyTokens);
    }

    /** {@code schemafleet.auth.operator-tokens-file}: a file of further operator token hashes, one a line ({@code #} comments). */
    public String getOperatorTokensFile() {
        return operatorTokensFile;
    }

    public void setOperatorTokensFile(String operatorTokensFile) {
        this.operatorTokensFile = operatorTokensFile;
    }

    /** {@code schemafleet.auth.read-only-tokens-file}: a file of further read-only token hashes, one a line. */
    public String getReadOnlyTokensFile() {
        return readOnlyTokensFile;
    }

    public void setReadOnlyTokensFile(String readOnlyTokensFile) {
        this.readOnlyTokensFile = readOnlyTokensFile;
    }
}
