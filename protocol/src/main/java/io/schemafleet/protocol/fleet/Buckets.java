package io.schemafleet.protocol.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A tenant's stable hash bucket, 0 to 99: the first four bytes of the SHA-256 of its id
 * (UTF-8), read as an unsigned big-endian integer, modulo 100. A wave with
 * {@code bucket_percent = p} admits the tenants whose bucket is below {@code p}, so
 * {@code 10} is about a tenth of the fleet and the same tenth every time.
 *
 * <p>Agents and the coordinator must agree on it forever: a change would move tenants
 * between waves of a running rollout. {@code BucketsTest} pins values.
 */
public final class Buckets {
    /** Buckets are 0 to {@code COUNT - 1}. */
    public static final int COUNT = 100;

    private Buckets() {
    }

    /** The bucket of {@code tenantId}. */
    public static int of(String tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(tenantId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        long first = ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8)
                | (digest[3] & 0xffL);
        return (int) (first % COUNT);
    }
}
