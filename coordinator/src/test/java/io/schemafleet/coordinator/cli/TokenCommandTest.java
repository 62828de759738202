package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.schemafleet.coordinator.security.Tokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCommandTest {
    @Test
    void generatePrintsATokenItsHashAndTheLineToConfigureIt() {
        CliRunner.Result result = CliRunner.runOk("token", "generate");

        String token = result.outLines().get(0).replace("token:", "").strip();
        String hash = result.outLines().get(1).replace("sha256:", "").strip();
        assertThat(token).matches("sfop_[A-Za-z0-9_-]{43}");
        assertThat(hash).isEqualTo(Tokens.sha256Hex(token));
        assertThat(result.out()).contains("SCHEMAFLEET_AUTH_OPERATOR_TOKENS=" + hash);
    }

    @Test
    void aReadOnlyTokenAsJsonAndEveryTokenDiffers() throws Exception {
        JsonNode first = new ObjectMapper().readTree(CliRunner.runOk("token", "generate", "--role", "read-only",
                "--json").out());
        JsonNode second = new ObjectMapper().readTree(CliRunner.runOk("token", "generate", "--role", "read-only",
                "--json").out());

        assertThat(first.get("role").asText()).isEqualTo("read-only");
        assertThat(first.get("token").asText()).startsWith("sfro_").isNotEqualTo(second.get("token").asText());
        assertThat(first.get("sha256").asText()).isEqualTo(Tokens.sha256Hex(first.get("token").asText()));
        assertThat(first.get("env").asText()).isEqualTo("SCHEMAFLEET_AUTH_READ_ONLY_TOKENS=" + first.get("sha256").asText());
    }

    @Test
    void anUnknownRoleIsAUsageError() {
        CliRunner.Result result = CliRunner.run("token", "generate", "--role", "admin");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown role 'admin' (operator or read-only)");
    }
}
