package io.schemafleet.protocol.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden wire forms, written out by hand from docs/events.md: if one of these fails, the
 * wire format changed, and every deployed consumer would see it. Change the schema
 * version (and the docs) instead of the golden string.
 */
class EventWireFormatTest {
    private static final String TENANT_REPORT = "{\"at\":\"2024-05-01T12:00:00.123Z\","
            + "\"body\":{\"agent\":\"agent-eu-1\",\"at\":\"2024-05-01T12:00:00.123Z\",\"attempts\":3,"
            + "\"destination\":\"head\","
            + "\"error\":{\"code\":\"sql_failed\",\"message\":\"relation \\\"users\\\" already exists\","
            + "\"revision\":\"360b16ba22c2\",\"sqlstate\":\"42P07\"},"
            + "\"fingerprint\":\"" + "ab".repeat(32) + "\","
            + "\"heads\":[\"3959c5c80608\",\"fc8a5aab7c09\"],"
            + "\"rollout_id\":\"r-2024-05-01.1\",\"state\":\"failed\","
            + "\"steps\":[{\"direction\":\"upgrade\",\"duration_ms\":12,\"revision\":\"801b86be184b\"},"
            + "{\"direction\":\"upgrade\",\"duration_ms\":7,\"history_id\":42,\"revision\":\"3959c5c80608\","
            + "\"started_at\":\"2024-05-01T11:59:59.876543Z\"}],"
            + "\"tenant\":\"tenant_042\"},"
            + "\"id\":\"0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f\",\"producer\":\"coordinator\","
            + "\"schema\":1,\"type\":\"tenant_report\"}";

    private static final String ROLLOUT_STARTED = "{\"at\":\"2024-05-01T12:00:00.123Z\","
            + "\"body\":{\"rollout_id\":\"r-2024-05-01.1\",\"supersedes\":\"r-2024-04-30.1\",\"to\":\"head\","
            + "\"waves\":[{\"labels\":{\"region\":\"eu\",\"tier\":\"canary\"},\"max_failures\":0,"
            + "\"name\":\"canary\",\"parallelism\":4,\"soak\":\"PT10M\"},"
            + "{\"bucket_percent\":10,\"labels\":{},\"max_failures\":5,\"name\":\"ten-percent\",\"soak\":\"PT1H\"},"
            + "{\"labels\":{},\"name\":\"rest\"}]},"
            + "\"id\":\"0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f\",\"producer\":\"coordinator\","
            + "\"schema\":1,\"type\":\"rollout_started\"}";

    private static final String SIGNED_HEARTBEAT = "{\"at\":\"2024-05-01T12:00:00.123Z\","
            + "\"body\":{\"agent\":\"agent-eu-1\",\"at\":\"2024-05-01T12:00:00.123Z\","
            + "\"started_at\":\"2024-05-01T11:00:00Z\",\"tenants\":50,\"version\":\"0.1.0-SNAPSHOT\"},"
            + "\"id\":\"0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f\",\"producer\":\"coordinator\","
            + "\"schema\":1,\"sig\":{\"key_id\":\"k1\",\"value\":\"AAEC\"},\"type\":\"agent_heartbeat\"}";

    @Test
    void tenantReportGolden() {
        assertGolden(EventSamples.envelope(EventSamples.TENANT_REPORT), TENANT_REPORT);
    }

    @Test
    void rolloutStartedGolden() {
        assertGolden(EventSamples.envelope(EventSamples.ROLLOUT_STARTED), ROLLOUT_STARTED);
    }

    @Test
    void signedHeartbeatGolden() {
        Envelope signed = EventSamples.envelope(EventSamples.AGENT_HEARTBEAT).withSig(new Signature("k1", "AAEC"));
        assertGolden(signed, SIGNED_HEARTBEAT);

        String canonical = new String(CanonicalJson.canonicalBytes(signed), StandardCharsets.UTF_8);
        assertThat(canonical).isEqualTo(SIGNED_HEARTBEAT.replace("\"sig\":{\"key_id\":\"k1\",\"value\":\"AAEC\"},", ""));
    }

    private static void assertGolden(Envelope envelope, String golden) {
        assertThat(new String(EventCodec.encode(envelope), StandardCharsets.UTF_8)).isEqualTo(golden);
        Decoded decoded = EventCodec.decode(golden.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded).isInstanceOf(Decoded.Event.class);
        assertThat(((Decoded.Event) decoded).envelope()).isEqualTo(envelope);
    }
}
