package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventEnvelopeTest {
    @Test
    void envelopesOfSetsTypeSchemaIdAndTime() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        Envelope envelope = Envelopes.of(EventSamples.AGENT_HEARTBEAT, "agent:agent-eu-1");

        assertThat(envelope.type()).isEqualTo(EventType.AGENT_HEARTBEAT);
        assertThat(envelope.schema()).isEqualTo(AgentHeartbeat.SCHEMA_VERSION);
        assertThat(UUID.fromString(envelope.id()).toString()).isEqualTo(envelope.id());
        assertThat(envelope.at()).isBetween(before, Instant.now()).isEqualTo(envelope.at().truncatedTo(ChronoUnit.MILLIS));
        assertThat(envelope.producer()).isEqualTo("agent:agent-eu-1");
        assertThat(envelope.sig()).isNull();
        assertThat(Envelopes.of(EventSamples.AGENT_HEARTBEAT, "p").id()).isNotEqualTo(envelope.id());
    }

    @Test
    void theEnvelopeRefusesWhatItCannotCarry() {
        var body = JsonNodeFactory.instance.objectNode();
        Instant at = EventSamples.AT;
        assertThatThrownBy(() -> new Envelope(2, EventType.TENANT_REPORT, "e1", at, "p", body, null))
                .hasMessage("unsupported schema version 2 for type tenant_report (this build reads 1 to 1)");
        assertThatThrownBy(() -> new Envelope(0, EventType.TENANT_REPORT, "e1", at, "p", body, null))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> new Envelope(1, EventType.TENANT_REPORT, "e1", at, "p",
                JsonNodeFactory.instance.arrayNode(), null)).hasMessage("body must be a JSON object, got array");
        assertThatThrownBy(() -> new Envelope(1, EventType.TENANT_REPORT, "", at, "p", body, null))
                .hasMessageStartingWith("id '' is invalid");
        assertThatThrownBy(() -> new Envelope(1, EventType.TENANT_REPORT, "e1", null, "p", body, null))
                .hasMessage("missing at");
        assertThatThrownBy(() -> new Envelope(1, EventType.TENANT_REPORT, "e1", at, "two words", body, null))
                .hasMessageStartingWith("producer 'two words' is invalid");
    }

    @Test
    void eventTypeCodesAreStable() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::code)).containsExactly(
                "revision_published", "rollout_started", "tenant_report", "agent_heartbeat", "tenant_retry_requested",
                "wave_admitted", "wave_converged", "rollout_halted", "rollout_paused", "rollout_resumed",
                "rollout_aborted", "rollout_completed", "tenant_pinned", "tenant_unpinned",
                "describe_requested", "tenant_described");
        for (EventType type : EventType.values()) {
            assertThat(EventType.fromCode(type.code())).contains(type);
            assertThat(type.latestSchema()).isEqualTo(1);
        }
        assertThat(EventType.fromCode("REVISION_PUBLISHED")).isEmpty();
        assertThat(EventType.fromCode("0")).isEmpty();
    }

    @Test
    void everyBodyKnowsItsType() {
        assertThat(EventSamples.ALL).extracting(EventBody::type).containsExactly(EventType.values());
    }

    @Test
    void rejectionCodesAreStable() {
        assertThat(Arrays.stream(Rejection.values()).map(Rejection::code)).containsExactly(
                "malformed", "too_large", "unknown_type", "unsupported_schema", "invalid_body", "checksum_mismatch");
    }

    @Test
    void aDecodedEventsBodyMatchesItsEnvelope() {
        Envelope heartbeat = EventSamples.envelope(EventSamples.AGENT_HEARTBEAT);

        assertThatThrownBy(() -> new Decoded.Event(heartbeat, EventSamples.TENANT_REPORT))
                .hasMessage("a tenant_report body in a agent_heartbeat envelope");
    }
}
