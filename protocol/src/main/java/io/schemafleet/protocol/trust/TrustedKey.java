package io.schemafleet.protocol.trust;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A public key that verifies events, and the id events name it by.
 *
 * <p>The id is the file's {@code Key-Id:} line when it has one, otherwise the key's
 * {@linkplain #fingerprint(PublicKey) fingerprint}. The id only selects the key: a
 * signature is trusted because it verifies with the key, never because of its id.
 *
 * @param keyId     {@code [A-Za-z0-9._:-]{1,128}}
 * @param publicKey an Ed25519 public key
 */
public record TrustedKey(String keyId, PublicKey publicKey) {
    static final String ALGORITHM = "Ed25519";

    public TrustedKey {
        KeyFiles.checkKeyId(keyId, "trusted key");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!(publicKey instanceof EdECPublicKey ed) || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
            throw new KeyFileException("trusted key " + keyId + " is not an Ed25519 key");
        }
    }

    /** The key under its fingerprint id. */
    public static TrustedKey of(PublicKey publicKey) {
        return new TrustedKey(fingerprint(publicKey), publicKey);
    }

    /**
     * {@code ed25519:} and the first 16 hex digits of the SHA-256 of the key's X.509
     * encoding ({@code SubjectPublicKeyInfo}, the bytes of the PEM block): the same for the
     * same key whatever file it is in, and computable with
     * {@code openssl pkey -pubin -outform DER | sha256sum}.
     */
    public static String fingerprint(PublicKey publicKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return "ed25519:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Reads an X.509 PEM public key file ({@code -----BEGIN PUBLIC KEY-----}). */
    public static TrustedKey read(Path file) {
        return parse(KeyFiles.read(file), file.toString());
    }

    /** Parses the text of a public key file ({@code source} names it in errors). */
    public static TrustedKey parse(String pem, String source) {
        KeyFiles.Block block = KeyFiles.parse(pem, source);
        if (block.label().equals(KeyFiles.PRIVATE)) {
            throw new KeyFileException(source + " is a PRIVATE key: a consumer trusts the PUBLIC key (the .pub.pem"
                    + " file); keep the private key with the coordinator only");
        }
        if (!block.label().equals(KeyFiles.PUBLIC)) {
            throw new KeyFileException(source + ": expected a PUBLIC KEY block, found " + block.label());
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(block.der()));
        } catch (InvalidKeySpecException e) {
            throw new KeyFileException(source + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
        return new TrustedKey(block.keyId() == null ? fingerprint(key) : block.keyId(), key);
    }

    /** The public key file's text, {@code Key-Id:} line included. */
    public String pem() {
        return KeyFiles.write(keyId, KeyFiles.PUBLIC, publicKey.getEncoded());
    }
}
