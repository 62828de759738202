package io.schemafleet.protocol.trust;

import io.schemafleet.protocol.event.CanonicalJson;
import io.schemafleet.protocol.event.Envelope;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The public keys a consumer trusts, by key id. Several at once, so that a key can be
 * rotated without a moment when events from either key are refused. Immutable.
 */
public final class TrustedKeys {
    private static final int ED25519_SIGNATURE_BYTES = 64;

    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** No key at all: every signed event is from an unknown key. */
    public static TrustedKeys none() {
        return new TrustedKeys(Map.of());
    }

    /**
     * These keys. The same key twice is fine; two different keys under one id are
     * refused (a verifier could not tell which one is meant).
     */
    public static TrustedKeys of(Collection<TrustedKey> keys) {
        Map<String, PublicKey> byId = new TreeMap<>();
        for (TrustedKey key : keys) {
            PublicKey known = byId.putIfAbsent(key.keyId(), key.publicKey());
            if (known != null && !Arrays.equals(known.getEncoded(), key.publicKey().getEncoded())) {
                throw new KeyFileException("two different trusted keys have the id " + key.keyId()
                        + "; give one of them another Key-Id line");
            }
        }
        return new TrustedKeys(byId);
    }

    /** Reads public key files, and every {@code *.pem} file of the directories among {@code paths}. */
    public static TrustedKeys load(Collection<Path> paths) {
        List<TrustedKey> keys = new ArrayList<>();
        for (Path path : paths) {
            for (Path file : KeyFiles.expand(path)) {
                keys.add(TrustedKey.read(file));
            }
        }
        return of(keys);
    }

    /** These keys and {@code more}. */
    public TrustedKeys with(Collection<TrustedKey> more) {
        List<TrustedKey> all = new ArrayList<>(more);
        keys.forEach((id, key) -> all.add(new TrustedKey(id, key)));
        return of(all);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The trusted key ids, sorted. */
    public Set<String> ids() {
        return new java.util.TreeSet<>(keys.keySet());
    }

    /** Checks {@code envelope}'s signature against these keys. Never throws for a bad signature. */
    public Verification verify(Envelope envelope) {
        var sig = envelope.sig();
        if (sig == null) {
            return new Verification(Verdict.UNSIGNED, null, "the event is not signed");
        }
        PublicKey key = keys.get(sig.keyId());
        if (key == null) {
            return new Verification(Verdict.UNKNOWN_KEY, sig.keyId(), "signed with key " + sig.keyId()
                    + ", which is not trusted (" + (keys.isEmpty() ? "no key is trusted" : "trusted: "
                    + String.join(", ", ids())) + ")");
        }
        byte[] signature = Base64.getDecoder().decode(sig.value());
        if (signature.length == ED25519_SIGNATURE_BYTES && verifies(key, CanonicalJson.canonicalBytes(envelope), signature)) {
            return new Verification(Verdict.VERIFIED, sig.keyId(), "signed by " + sig.keyId());
        }
        return new Verification(Verdict.BAD_SIGNATURE, sig.keyId(), "the signature by key " + sig.keyId()
                + " does not match the event's content (forged or altered)");
    }

    private static boolean verifies(PublicKey key, byte[] content, byte[] signature) {
        try {
            java.security.Signature ed = java.security.Signature.getInstance(TrustedKey.ALGORITHM);
            ed.initVerify(key);
            ed.update(content);
            return ed.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // a malformed signature is a bad one
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification failed to run", e);
        }
    }

    @Override
    public String toString() {
        return "TrustedKeys" + ids();
    }
}
