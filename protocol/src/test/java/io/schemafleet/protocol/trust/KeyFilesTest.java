package io.schemafleet.protocol.trust;

import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RolloutStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key files: what is written reads back, key ids, directories, and every refusal with its file. */
class KeyFilesTest {
    @TempDir
    Path dir;

    private final Envelope event = Envelopes.of(RolloutStarted.toWholeFleet("r1", "head"), "coordinator");

    @Test
    void aWrittenKeyPairReadsBackAndVerifies() throws Exception {
        SigningKey key = SigningKey.generate("prod-2024");
        Files.writeString(dir.resolve("k.pem"), key.privatePem());
        Files.writeString(dir.resolve("k.pub.pem"), key.trustedKey().pem());

        SigningKey read = SigningKey.read(dir.resolve("k.pem"));
        TrustedKey pub = TrustedKey.read(dir.resolve("k.pub.pem"));

        assertThat(read.keyId()).isEqualTo("prod-2024");
        assertThat(pub.keyId()).isEqualTo("prod-2024");
        assertThat(read.privatePem()).startsWith("Key-Id: prod-2024\n-----BEGIN PRIVATE KEY-----\n");
        assertThat(TrustedKeys.of(List.of(pub)).verify(read.sign(event)).verified()).isTrue();
        assertThat(read.toString()).doesNotContain("BEGIN");
    }

    @Test
    void withoutAKeyIdLineBothHalvesAreNamedByTheFingerprint() {
        SigningKey key = SigningKey.generate(null);
        String privatePem = key.privatePem().lines().skip(1).reduce("", (a, b) -> a + b + "\n");
        String publicPem = key.trustedKey().pem().lines().skip(1).reduce("", (a, b) -> a + b + "\n");

        SigningKey read = SigningKey.parse(privatePem, "openssl.pem");
        TrustedKey pub = TrustedKey.parse(publicPem, "openssl.pub.pem");

        assertThat(read.keyId()).matches("ed25519:[0-9a-f]{16}").isEqualTo(pub.keyId()).isEqualTo(key.keyId());
    }

    @Test
    void aDirectoryContributesEveryPemFileAndNothingElse() throws Exception {
        SigningKey a = SigningKey.generate("a");
        SigningKey b = SigningKey.generate("b");
        Files.writeString(dir.resolve("a.pub.pem"), a.trustedKey().pem());
        Files.writeString(dir.resolve("b.pub.pem"), b.trustedKey().pem());
        Files.writeString(dir.resolve("README"), "not a key");
        Files.createDirectory(dir.resolve("..data"));

        assertThat(TrustedKeys.load(List.of(dir)).ids()).containsExactly("a", "b");
    }

    @Test
    void refusalsNameTheFileAndTheProblem() throws Exception {
        SigningKey key = SigningKey.generate("k");
        Path priv = Files.writeString(dir.resolve("k.pem"), key.privatePem());
        Path pub = Files.writeString(dir.resolve("k.pub.pem"), key.trustedKey().pem());
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        Path cut = Files.writeString(dir.resolve("cut.pem"), "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n");
        Path badId = Files.writeString(dir.resolve("id.pem"), "Key-Id: has space\n" + key.trustedKey().pem()
                .lines().skip(1).reduce("", (x, y) -> x + y + "\n"));
        Path empty = Files.createDirectory(dir.resolve("empty"));

        assertThatThrownBy(() -> TrustedKey.read(priv)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining(priv.toString()).hasMessageContaining("is a PRIVATE key");
        assertThatThrownBy(() -> SigningKey.read(pub)).hasMessageContaining(pub + ": expected a PRIVATE KEY block");
        assertThatThrownBy(() -> TrustedKey.read(junk)).hasMessageContaining(junk + ": no PEM block");
        assertThatThrownBy(() -> TrustedKey.read(cut)).hasMessageContaining("has no -----END PUBLIC KEY----- line");
        assertThatThrownBy(() -> TrustedKey.read(badId)).hasMessageContaining(badId + ":1: key id 'has space' is invalid");
        assertThatThrownBy(() -> TrustedKey.read(dir.resolve("missing.pem"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> TrustedKeys.load(List.of(empty))).hasMessageContaining("holds no *.pem file");
    }

    @Test
    void aNonEd25519KeyIsRefused() throws Exception {
        var rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                rsa.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";

        assertThatThrownBy(() -> TrustedKey.parse(pem, "rsa.pem")).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("rsa.pem: not an Ed25519 public key");
    }
}
