package io.schemafleet.protocol.fleet;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bucket function must never change: a different value moves a tenant to another
 * wave of a running rollout. These values were computed once and are pinned here.
 */
class BucketsTest {
    @Test
    void valuesArePinned() {
        assertThat(Buckets.of("tenant_001")).isEqualTo(PINNED_001);
        assertThat(Buckets.of("tenant_042")).isEqualTo(PINNED_042);
        assertThat(Buckets.of("acme")).isEqualTo(PINNED_ACME);
        assertThat(Buckets.of("tenantdb_1")).isEqualTo(PINNED_DB1);
        assertThat(Buckets.of("")).isEqualTo(PINNED_EMPTY);
    }

    @Test
    void isTheDocumentedFunction() throws Exception {
        // The first four bytes of SHA-256 of the UTF-8 id, as an unsigned int, modulo 100.
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest("acme".getBytes("UTF-8"));
        long first = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(d, 0, 4).getInt());
        assertThat(Buckets.of("acme")).isEqualTo((int) (first % 100));
    }

    @Test
    void spreadsAFleetOverEveryBucket() {
        long[] perBucket = new long[Buckets.COUNT];
        IntStream.range(0, 10_000).forEach(i -> perBucket[Buckets.of("tenant_" + i)]++);

        // 100 per bucket on average; a hash this uniform keeps every bucket well within 50..150.
        assertThat(java.util.Arrays.stream(perBucket).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(50L, 150L));
    }

    private static final int PINNED_001 = 18;
    private static final int PINNED_042 = 76;
    private static final int PINNED_ACME = 57;
    private static final int PINNED_DB1 = 58;
    private static final int PINNED_EMPTY = 10;
}
