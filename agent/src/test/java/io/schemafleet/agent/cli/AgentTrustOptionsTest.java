package io.schemafleet.agent.cli;

import io.schemafleet.protocol.trust.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent does not start unless it can verify events: trusted keys, or development mode said out loud. */
class AgentTrustOptionsTest {
    @TempDir
    Path dir;

    @Test
    void withoutTrustedKeysTheAgentRefusesToStart() {
        String err = run("--kafka-bootstrap", "127.0.0.1:1", "--db", "jdbc:postgresql://127.0.0.1:1/app",
                "--schemas", "tenant_%");

        assertThat(err).contains("no trusted keys: give --trusted-keys or set SCHEMAFLEET_TRUSTED_KEYS",
                "--allow-unsigned");
    }

    @Test
    void aPrivateKeyGivenAsTrustedKeyIsRefusedWithItsFile() throws Exception {
        Path privateKey = Files.writeString(dir.resolve("coordinator.pem"), SigningKey.generate("k").privatePem());

        String err = run("--kafka-bootstrap", "127.0.0.1:1", "--db", "jdbc:postgresql://127.0.0.1:1/app",
                "--schemas", "tenant_%", "--trusted-keys", privateKey.toString());

        assertThat(err).contains(privateKey + " is a PRIVATE key");
    }

    private static String run(String... args) {
        CommandLine cli = new CommandLine(new AgentCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute(args)).isNotZero();
        return err.toString();
    }
}
