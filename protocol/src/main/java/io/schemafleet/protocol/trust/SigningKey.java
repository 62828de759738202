package io.schemafleet.protocol.trust;

import io.schemafleet.protocol.event.CanonicalJson;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Signature;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The coordinator's Ed25519 private key, its id, and the public key that verifies what it
 * signs. Signing is deterministic (Ed25519): the same envelope always gets the same
 * signature. {@link #toString()} never shows the key.
 */
public final class SigningKey {
    private final PrivateKey privateKey;
    private final TrustedKey trusted;

    private SigningKey(PrivateKey privateKey, TrustedKey trusted) {
        this.privateKey = privateKey;
        this.trusted = trusted;
    }

    /** A new random key pair; {@code keyId} null names it by its fingerprint. */
    public static SigningKey generate(String keyId) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(TrustedKey.ALGORITHM).generateKeyPair();
            return new SigningKey(pair.getPrivate(), keyId == null ? TrustedKey.of(pair.getPublic())
                    : new TrustedKey(KeyFiles.checkKeyId(keyId, "--key-id"), pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** Reads a PKCS#8 PEM private key file ({@code -----BEGIN PRIVATE KEY-----}). */
    public static SigningKey read(Path file) {
        return parse(KeyFiles.read(file), file.toString());
    }

    /**
     * Parses the text of a private key file ({@code source} names it in errors). The key
     * id is the file's {@code Key-Id:} line, or else the public key's fingerprint.
     */
    public static SigningKey parse(String pem, String source) {
        KeyFiles.Block block = KeyFiles.parse(pem, source);
        if (!block.label().equals(KeyFiles.PRIVATE)) {
            throw new KeyFileException(source + ": expected a PRIVATE KEY block (PKCS#8), found " + block.label()
                    + (block.label().equals(KeyFiles.PUBLIC) ? ": the coordinator signs with the private key" : ""));
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(TrustedKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(block.der()));
        } catch (InvalidKeySpecException e) {
            throw new KeyFileException(source + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
        java.security.PublicKey publicKey = publicKeyOf(key, source);
        return new SigningKey(key, block.keyId() == null ? TrustedKey.of(publicKey)
                : new TrustedKey(block.keyId(), publicKey));
    }

    /** The key id signatures carry. */
    public String keyId() {
        return trusted.keyId();
    }

    /** The public half, under the same id: what consumers trust. */
    public TrustedKey trustedKey() {
        return trusted;
    }

    /** {@code envelope} with a {@code sig} by this key over its canonical bytes (any old sig replaced). */
    public Envelope sign(Envelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        try {
            java.security.Signature ed = java.security.Signature.getInstance(TrustedKey.ALGORITHM);
            ed.initSign(privateKey);
            ed.update(CanonicalJson.canonicalBytes(envelope));
            return envelope.withSig(new Signature(keyId(), Base64.getEncoder().encodeToString(ed.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The private key file's text (PKCS#8 PEM with a {@code Key-Id:} line): keep it secret. */
    public String privatePem() {
        return KeyFiles.write(keyId(), KeyFiles.PRIVATE, privateKey.getEncoded());
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }

    /**
     * The public key of an Ed25519 private key. The JDK has no API for it, but its key
     * pair generator derives the public key from 32 random bytes, which are exactly the
     * private key's seed; so a generator fed the seed returns this key's pair. Checked by
     * a signature round trip, so a JDK that did otherwise fails loudly here, not later.
     */
    private static java.security.PublicKey publicKeyOf(PrivateKey key, String source) {
        byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow(() ->
                new KeyFileException(source + ": the private key has no extractable seed"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(TrustedKey.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            java.security.PublicKey derived = generator.generateKeyPair().getPublic();
            byte[] probe = "schemafleet key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature ed = java.security.Signature.getInstance(TrustedKey.ALGORITHM);
            ed.initSign(key);
            ed.update(probe);
            byte[] signature = ed.sign();
            ed.initVerify(derived);
            ed.update(probe);
            if (!ed.verify(signature)) {
                throw new KeyFileException(source + ": cannot derive the public key of this private key on this JDK");
            }
            return derived;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 public key derivation failed", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Hands out the seed instead of random bytes (see {@link #publicKeyOf}). */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
