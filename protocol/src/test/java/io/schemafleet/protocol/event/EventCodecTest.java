package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<EventBody> bodies() {
        return EventSamples.ALL;
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void everyEventTypeRoundTrips(EventBody body) {
        // given
        Envelope envelope = EventSamples.envelope(body);

        // when
        Decoded decoded = EventCodec.decode(EventCodec.encode(envelope));

        // then
        assertThat(decoded).isInstanceOf(Decoded.Event.class);
        Decoded.Event event = (Decoded.Event) decoded;
        assertThat(event.envelope()).isEqualTo(envelope);
        assertThat(event.body()).isEqualTo(body);
        assertThat(event.bodyAs(EventBody.class)).containsSame(event.body());
        assertThat(event.bodyAs(TenantRetryRequested.class).isPresent())
                .isEqualTo(body instanceof TenantRetryRequested);
        assertThat(EventCodec.encode(event.envelope())).isEqualTo(EventCodec.encode(envelope));
    }

    @Test
    void aSignatureRoundTripsAndIsWrittenOnTheWire() {
        Envelope signed = EventSamples.envelope(EventSamples.AGENT_HEARTBEAT)
                .withSig(new Signature("coordinator-2024", "c2lnbmF0dXJl"));

        byte[] wire = EventCodec.encode(signed);

        assertThat(new String(wire, StandardCharsets.UTF_8))
                .contains("\"sig\":{\"key_id\":\"coordinator-2024\",\"value\":\"c2lnbmF0dXJl\"}");
        assertThat(((Decoded.Event) EventCodec.decode(wire)).envelope()).isEqualTo(signed);
    }

    @Test
    void unknownFieldsAreIgnoredAndTheBodyKeepsThem() throws Exception {
        // given: a newer producer added fields to the envelope and the body, same schema version
        ObjectNode tree = (ObjectNode) JSON.readTree(EventCodec.encode(EventSamples.envelope(EventSamples.TENANT_REPORT)));
        tree.put("trace_id", "abc");
        ((ObjectNode) tree.get("body")).put("new_field", 42);

        // when
        Decoded decoded = EventCodec.decode(JSON.writeValueAsBytes(tree));

        // then
        Decoded.Event event = (Decoded.Event) decoded;
        assertThat(event.body()).isEqualTo(EventSamples.TENANT_REPORT);
        assertThat(event.envelope().body().get("new_field").intValue()).isEqualTo(42);
        assertThat(new String(CanonicalJson.canonicalBytes(event.envelope()), StandardCharsets.UTF_8))
                .contains("\"new_field\":42").doesNotContain("trace_id");
    }

    @Test
    void explicitNullsMeanAbsent() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(EventCodec.encode(EventSamples.envelope(
                RolloutStarted.toWholeFleet("r1", "head"))));
        ((ObjectNode) tree.get("body")).putNull("supersedes").putNull("waves");

        Decoded.Event event = (Decoded.Event) EventCodec.decode(JSON.writeValueAsBytes(tree));

        assertThat(event.body()).isEqualTo(RolloutStarted.toWholeFleet("r1", "head"));
    }

    @Test
    void encodeRefusesAnEnvelopeWhoseBodyConsumersWouldReject() {
        JsonNode body = JSON.createObjectNode().put("tenant", "t1");
        Envelope bad = new Envelope(1, EventType.TENANT_REPORT, "e1", EventSamples.AT, "agent:a1", body, null);

        assertThatThrownBy(() -> EventCodec.encode(bad))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("body.agent is missing");
    }

    @Test
    void theEnvelopeNeverSharesItsBodyTree() {
        ObjectNode body = (ObjectNode) EventSamples.envelope(EventSamples.AGENT_HEARTBEAT).body();
        Envelope envelope = new Envelope(1, EventType.AGENT_HEARTBEAT, "e1", EventSamples.AT, "agent:a1", body, null);

        body.put("tenants", 9999);
        ((ObjectNode) envelope.body()).put("tenants", 7777);

        assertThat(envelope.body().get("tenants").intValue()).isEqualTo(50);
    }
}
