package io.schemafleet.protocol.trust;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.event.CanonicalJson;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.Signature;
import io.schemafleet.protocol.event.TenantRetryRequested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing envelopes and verifying them: every verdict, rotation, and a golden vector. */
class SigningTest {
    /** RFC 8032 section 7.1, TEST 1: the secret key (seed) and its public key. */
    static final String RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final Instant AT = Instant.parse("2024-05-01T12:00:00.123Z");

    private final SigningKey key = SigningKey.generate("k1");
    private final Envelope rollout = Envelopes.of(RolloutStarted.toWholeFleet("r1", "head"), "coordinator",
            "0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f", AT);

    @Test
    void aSignedEnvelopeVerifiesWithTheSignersPublicKey() {
        Envelope signed = key.sign(rollout);

        Verification v = TrustedKeys.of(List.of(key.trustedKey())).verify(signed);

        assertThat(v.verdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(v.keyId()).isEqualTo("k1");
        assertThat(signed.sig().keyId()).isEqualTo("k1");
        assertThat(Base64.getDecoder().decode(signed.sig().value())).hasSize(64);
    }

    @Test
    void theSignatureSurvivesTheWire() {
        Envelope signed = key.sign(rollout);

        Decoded decoded = EventCodec.decode(EventCodec.encode(signed));

        Envelope back = ((Decoded.Event) decoded).envelope();
        assertThat(back).isEqualTo(signed);
        assertThat(TrustedKeys.of(List.of(key.trustedKey())).verify(back).verified()).isTrue();
    }

    @Test
    void anUnsignedEnvelopeIsUnsigned() {
        Verification v = TrustedKeys.of(List.of(key.trustedKey())).verify(rollout);

        assertThat(v.verdict()).isEqualTo(Verdict.UNSIGNED);
        assertThat(v.keyId()).isNull();
    }

    @Test
    void aKeyIdNobodyTrustsIsAnUnknownKey() {
        Envelope signed = SigningKey.generate("stranger").sign(rollout);

        Verification v = TrustedKeys.of(List.of(key.trustedKey())).verify(signed);

        assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(v.reason()).contains("stranger", "trusted: k1");
    }

    @Test
    void anotherKeyUnderATrustedIdIsABadSignature() {
        // A forger who knows the trusted key's id but not the key.
        Envelope forged = SigningKey.generate("k1").sign(rollout);

        Verification v = TrustedKeys.of(List.of(key.trustedKey())).verify(forged);

        assertThat(v.verdict()).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(v.reason()).contains("k1", "does not match");
    }

    @Test
    void aTamperedBodyIsABadSignature() {
        Envelope signed = key.sign(rollout);
        ObjectNode body = (ObjectNode) signed.body();
        body.put("to", "base");
        Envelope tampered = new Envelope(signed.schema(), signed.type(), signed.id(), signed.at(), signed.producer(),
                body, signed.sig());

        assertThat(TrustedKeys.of(List.of(key.trustedKey())).verify(tampered).verdict())
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aChangedEnvelopeFieldIsABadSignature() {
        Envelope signed = key.sign(rollout);
        TrustedKeys trusted = TrustedKeys.of(List.of(key.trustedKey()));

        Envelope laterAt = new Envelope(signed.schema(), signed.type(), signed.id(), AT.plusSeconds(3600),
                signed.producer(), signed.body(), signed.sig());
        Envelope otherId = new Envelope(signed.schema(), signed.type(), "another-id", signed.at(),
                signed.producer(), signed.body(), signed.sig());

        assertThat(trusted.verify(laterAt).verdict()).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(trusted.verify(otherId).verdict()).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aSignatureMovedToAnotherEventIsABadSignature() {
        Envelope retry = Envelopes.of(new TenantRetryRequested("tenant_1", "alice", AT), "coordinator", "e2", AT);
        Envelope stolen = retry.withSig(key.sign(rollout).sig());

        assertThat(TrustedKeys.of(List.of(key.trustedKey())).verify(stolen).verdict())
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aTruncatedSignatureIsABadSignature() {
        Signature sig = key.sign(rollout).sig();
        byte[] bytes = Base64.getDecoder().decode(sig.value());
        Envelope cut = rollout.withSig(new Signature("k1",
                Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 32))));

        assertThat(TrustedKeys.of(List.of(key.trustedKey())).verify(cut).verdict()).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void rotationTrustsTheOldAndTheNewKeyAtOnce() {
        SigningKey next = SigningKey.generate("k2");
        TrustedKeys both = TrustedKeys.of(List.of(key.trustedKey(), next.trustedKey()));
        TrustedKeys newOnly = TrustedKeys.of(List.of(next.trustedKey()));

        assertThat(both.verify(key.sign(rollout)).verified()).isTrue();
        assertThat(both.verify(next.sign(rollout)).verified()).isTrue();
        assertThat(both.ids()).containsExactly("k1", "k2");
        // Once the old key is retired, what it signed is no longer trusted.
        assertThat(newOnly.verify(key.sign(rollout)).verdict()).isEqualTo(Verdict.UNKNOWN_KEY);
    }

    @Test
    void theSameKeyTwiceIsOneKeyButTwoKeysUnderOneIdAreRefused() {
        assertThat(TrustedKeys.of(List.of(key.trustedKey(), key.trustedKey())).ids()).containsExactly("k1");

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        TrustedKeys.of(List.of(key.trustedKey(), SigningKey.generate("k1").trustedKey())))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("two different trusted keys have the id k1");
    }

    @Test
    void thePolicyAcceptsUnsignedEventsOnlyWhenAllowedAndNeverABadSignature() {
        TrustedKeys trusted = TrustedKeys.of(List.of(key.trustedKey()));
        TrustPolicy strict = new TrustPolicy(trusted, false);
        TrustPolicy dev = new TrustPolicy(trusted, true);
        Envelope forged = SigningKey.generate("k1").sign(rollout);
        Envelope unknown = SigningKey.generate("k9").sign(rollout);

        assertThat(strict.accepts(strict.check(key.sign(rollout)))).isTrue();
        assertThat(strict.accepts(strict.check(rollout))).isFalse();
        assertThat(dev.accepts(dev.check(rollout))).isTrue();
        assertThat(dev.accepts(dev.check(forged))).isFalse();
        assertThat(dev.accepts(dev.check(unknown))).isFalse();
        assertThat(dev.describe()).contains("UNSIGNED EVENTS ACCEPTED");
    }

    @Test
    void thePublicKeyIsDerivedFromThePrivateKeyExactly() {
        // RFC 8032 test 1: from the seed alone, the published public key.
        SigningKey rfc = SigningKey.parse(pkcs8Pem(RFC8032_SEED), "rfc8032.pem");

        byte[] spki = rfc.trustedKey().publicKey().getEncoded();
        assertThat(HexFormat.of().formatHex(spki, spki.length - 32, spki.length)).isEqualTo(RFC8032_PUBLIC);
    }

    /**
     * The golden vector: a fixed key and a fixed envelope give these canonical bytes and
     * this signature. If it fails, signatures made by older builds no longer verify.
     */
    @Test
    void goldenVector() {
        SigningKey rfc = SigningKey.parse("Key-Id: golden\n" + pkcs8Pem(RFC8032_SEED), "golden.pem");

        Envelope signed = rfc.sign(rollout);

        assertThat(new String(CanonicalJson.canonicalBytes(signed), StandardCharsets.UTF_8)).isEqualTo(
                "{\"at\":\"2024-05-01T12:00:00.123Z\",\"body\":{\"rollout_id\":\"r1\",\"to\":\"head\",\"waves\":[]},"
                        + "\"id\":\"0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f\",\"producer\":\"coordinator\",\"schema\":1,"
                        + "\"type\":\"rollout_started\"}");
        assertThat(signed.sig()).isEqualTo(new Signature("golden", GOLDEN_SIGNATURE));
        assertThat(rfc.trustedKey().keyId()).isEqualTo("golden");
        assertThat(TrustedKey.of(rfc.trustedKey().publicKey()).keyId()).isEqualTo(GOLDEN_FINGERPRINT);
    }

    /** Cross-checked with an independent Ed25519 (Python's {@code cryptography}) over the bytes above. */
    static final String GOLDEN_SIGNATURE =
            "iSUFBZbidavXqDFA8hvwlZOijO/zTTgesIoQqUsIUfOsskKpTQTBEITTbH0xZplI2fWK2GKPhBfrtk+QApgnBw==";
    static final String GOLDEN_FINGERPRINT = "ed25519:06e3fd8fda29bb60";

    /** A PKCS#8 PEM of an Ed25519 seed: the fixed DER prefix (RFC 8410) and the 32 bytes. */
    static String pkcs8Pem(String seedHex) {
        byte[] der = HexFormat.of().parseHex("302e020100300506032b657004220420" + seedHex);
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
    }
}
