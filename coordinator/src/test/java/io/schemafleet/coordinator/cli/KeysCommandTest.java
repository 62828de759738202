package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.TrustedKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code schemafleet keys generate}: a usable key pair, a private file only its owner reads, no overwrite. */
class KeysCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAKeyPairThatSignsAndVerifiesAndSaysWhatToConfigure() throws Exception {
        Path out = dir.resolve("keys");

        Run run = run("keys", "generate", "--out", out.toString(), "--key-id", "sf-2025-06");

        assertThat(run.exit).as(run.err).isZero();
        Path privateFile = out.resolve("sf-2025-06.pem");
        Path publicFile = out.resolve("sf-2025-06.pub.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(run.out).contains("key id       sf-2025-06",
                "SCHEMAFLEET_SIGNING_KEY_FILE=" + privateFile, "SCHEMAFLEET_TRUSTED_KEYS=" + publicFile);
        SigningKey key = SigningKey.read(privateFile);
        var event = key.sign(Envelopes.of(RolloutStarted.toWholeFleet("r1", "head"), "coordinator"));
        assertThat(TrustedKeys.load(List.of(publicFile)).verify(event).verified()).isTrue();
    }

    @Test
    void withoutAKeyIdTheFilesAreNamedByTheFingerprint() throws Exception {
        Run run = run("keys", "generate", "--out", dir.toString());

        assertThat(run.exit).as(run.err).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .hasSize(2).allMatch(n -> n.matches("ed25519-[0-9a-f]{16}(\\.pub)?\\.pem"));
        }
    }

    @Test
    void neverOverwritesAKeyAndRefusesABadKeyId() throws Exception {
        assertThat(run("keys", "generate", "--out", dir.toString(), "--key-id", "k1").exit).isZero();
        String before = Files.readString(dir.resolve("k1.pem"));

        Run again = run("keys", "generate", "--out", dir.toString(), "--key-id", "k1");
        Run bad = run("keys", "generate", "--out", dir.toString(), "--key-id", "no spaces");

        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).contains("k1.pem already exists; a key file is never overwritten");
        assertThat(Files.readString(dir.resolve("k1.pem"))).isEqualTo(before);
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err).contains("key id 'no spaces' is invalid");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = SchemafleetCommand.commandLine(new ResolveCommand(), new KeysCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = SchemafleetCommand.execute(cli, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
