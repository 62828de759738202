package io.schemafleet.coordinator.app;

import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.trust.KeyFileException;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coordinator's signing settings: refused without a key, development mode, rotation's extra trusted keys. */
class EventTrustTest {
    @TempDir
    Path dir;

    private final Envelope event = Envelopes.of(RolloutStarted.toWholeFleet("r1", "head"), "coordinator");

    @Test
    void withoutAKeyTheCoordinatorDoesNotStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> new EventTrust(new SigningConfig())).isInstanceOf(SchemafleetException.class)
                .hasMessageContaining("no signing key: set SCHEMAFLEET_SIGNING_KEY_FILE")
                .hasMessageContaining("schemafleet keys generate")
                .hasMessageContaining("schemafleet.signing.allow-unsigned=true");
    }

    @Test
    void aMissingOrWrongKeyFileIsNamed() throws Exception {
        SigningConfig missing = new SigningConfig();
        missing.setKeyFile(dir.resolve("nope.pem").toString());
        SigningConfig publicInstead = new SigningConfig();
        Path pub = Files.writeString(dir.resolve("k.pub.pem"), SigningKey.generate("k").trustedKey().pem());
        publicInstead.setKeyFile(pub.toString());

        assertThatThrownBy(() -> new EventTrust(missing)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("nope.pem does not exist");
        assertThatThrownBy(() -> new EventTrust(publicInstead)).hasMessageContaining("expected a PRIVATE KEY block");
    }

    @Test
    void withAKeyEveryEventIsSignedAndTheProjectionTrustsItAndTheConfiguredOldKey() throws Exception {
        SigningKey current = SigningKey.generate("k2");
        SigningKey previous = SigningKey.generate("k1");
        SigningConfig config = new SigningConfig();
        config.setKeyFile(Files.writeString(dir.resolve("k2.pem"), current.privatePem()).toString());
        config.setTrustedKeys(List.of(Files.writeString(dir.resolve("k1.pub.pem"), previous.trustedKey().pem())
                .toString()));

        EventTrust trust = new EventTrust(config);

        Envelope signed = trust.sign(event);
        assertThat(signed.sig().keyId()).isEqualTo("k2");
        assertThat(trust.policy().trusted().ids()).containsExactly("k1", "k2");
        assertThat(trust.policy().check(signed).verified()).isTrue();
        assertThat(trust.policy().check(previous.sign(event)).verified()).isTrue();
        assertThat(trust.policy().accepts(trust.policy().check(event))).isFalse();
    }

    @Test
    void developmentModeWritesUnsignedEventsAndAcceptsThem() {
        SigningConfig config = new SigningConfig();
        config.setAllowUnsigned(true);

        EventTrust trust = new EventTrust(config);

        assertThat(trust.sign(event).sig()).isNull();
        assertThat(trust.signingKey()).isEmpty();
        assertThat(trust.policy().check(event).verdict()).isEqualTo(Verdict.UNSIGNED);
        assertThat(trust.policy().accepts(trust.policy().check(event))).isTrue();
    }
}
