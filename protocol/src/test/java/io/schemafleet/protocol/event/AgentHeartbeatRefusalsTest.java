package io.schemafleet.protocol.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The heartbeat's optional refusal fields: absent when quiet (old bytes), round-trip when set. */
class AgentHeartbeatRefusalsTest {
    private static final Instant AT = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void aQuietHeartbeatHasNoRefusalFieldsOnTheWire() {
        AgentHeartbeat quiet = new AgentHeartbeat("a", 1, AT, AT, "v");

        String wire = new String(EventCodec.encode(Envelopes.of(quiet, "a", "e1", AT)), StandardCharsets.UTF_8);

        assertThat(wire).doesNotContain("refused_events", "last_refusal");
    }

    @Test
    void refusalsRoundTrip() {
        AgentHeartbeat loud = new AgentHeartbeat("a", 1, AT, AT, "v", 3, "bad_signature: schemafleet.rollouts-0@7");

        Decoded decoded = EventCodec.decode(EventCodec.encode(Envelopes.of(loud, "a", "e1", AT)));

        assertThat(((Decoded.Event) decoded).body()).isEqualTo(loud);
    }

    @Test
    void aNegativeCountOrAnOverlongReasonIsRefused() {
        assertThatThrownBy(() -> new AgentHeartbeat("a", 1, AT, AT, "v", -1, null))
                .hasMessageContaining("refused_events must be at least 0");
        assertThatThrownBy(() -> new AgentHeartbeat("a", 1, AT, AT, "v", 1, "x".repeat(501)))
                .hasMessageContaining("last_refusal is longer than 500");
    }
}
