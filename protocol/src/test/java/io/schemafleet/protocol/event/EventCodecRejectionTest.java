package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input comes back as a Rejected with a specific reason; nothing throws. */
class EventCodecRejectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void emptyBytes() {
        assertRejected(new byte[0], Rejection.MALFORMED, "empty value (a null value is a tombstone, not an event)");
        assertRejected(null, Rejection.MALFORMED, "empty value (a null value is a tombstone, not an event)");
    }

    @Test
    void notJson() {
        assertRejected(utf8("hello"), Rejection.MALFORMED, "not JSON: Unrecognized token 'hello'");
        assertRejected(utf8("{\"type\":"), Rejection.MALFORMED, "not JSON: Unexpected end-of-input");
    }

    @Test
    void invalidUtf8() {
        assertRejected(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                Rejection.MALFORMED, "not JSON: Invalid UTF-8");
    }

    @Test
    void trailingGarbageAfterTheObject() {
        byte[] good = EventCodec.encode(EventSamples.envelope(EventSamples.AGENT_HEARTBEAT));
        assertRejected(utf8(new String(good, StandardCharsets.UTF_8) + " {}"), Rejection.MALFORMED, "not JSON: Trailing token");
    }

    @Test
    void duplicateKeys() {
        assertRejected(utf8("{\"type\":\"tenant_report\",\"type\":\"agent_heartbeat\"}"),
                Rejection.MALFORMED, "not JSON: Duplicate field 'type'");
    }

    @Test
    void jsonArrayOrScalar() {
        assertRejected(utf8("[1,2,3]"), Rejection.MALFORMED, "the value must be a JSON object, got an array");
        assertRejected(utf8("null"), Rejection.MALFORMED, "the value must be a JSON object, got nothing");
        assertRejected(utf8("42"), Rejection.MALFORMED, "the value must be a JSON object, got the number 42");
    }

    @Test
    void missingOrMistypedType() {
        assertRejected(edit(e -> e.remove("type")), Rejection.MALFORMED, "type is missing");
        assertRejected(edit(e -> e.put("type", 3)), Rejection.MALFORMED, "type must be a string, got the number 3");
    }

    @Test
    void unknownType() {
        assertRejected(edit(e -> e.put("type", "wave_exploded")), Rejection.UNKNOWN_TYPE,
                "unknown event type 'wave_exploded'");
    }

    @Test
    void schemaZeroOrNegative() {
        assertRejected(edit(e -> e.put("schema", 0)), Rejection.UNSUPPORTED_SCHEMA,
                "unsupported schema version 0 for type agent_heartbeat (versions start at 1)");
        assertRejected(edit(e -> e.put("schema", -3)), Rejection.UNSUPPORTED_SCHEMA,
                "unsupported schema version -3 for type agent_heartbeat (versions start at 1)");
    }

    @Test
    void schemaTooNew() {
        assertRejected(edit(e -> e.put("schema", 2)), Rejection.UNSUPPORTED_SCHEMA,
                "unsupported schema version 2 for type agent_heartbeat (this build reads up to 1)");
    }

    @Test
    void schemaNotAnInteger() {
        assertRejected(edit(e -> e.put("schema", "1")), Rejection.MALFORMED, "schema must be a 32-bit integer, got a string");
        assertRejected(edit(e -> e.put("schema", 1.5)), Rejection.MALFORMED, "schema must be a 32-bit integer, got the number 1.5");
        assertRejected(edit(e -> e.put("schema", 1L << 40)), Rejection.MALFORMED, "schema must be a 32-bit integer");
    }

    @Test
    void badEnvelopeFields() {
        assertRejected(edit(e -> e.remove("id")), Rejection.MALFORMED, "id is missing");
        assertRejected(edit(e -> e.put("id", "has space")), Rejection.MALFORMED, "id 'has space' is invalid");
        assertRejected(edit(e -> e.put("at", "yesterday")), Rejection.MALFORMED,
                "at must be an ISO-8601 instant like 2024-05-01T12:00:00Z, got 'yesterday'");
        assertRejected(edit(e -> e.remove("producer")), Rejection.MALFORMED, "producer is missing");
        assertRejected(edit(e -> e.remove("body")), Rejection.MALFORMED, "body is missing");
        assertRejected(edit(e -> e.put("body", "text")), Rejection.MALFORMED, "body must be a JSON object, got string");
        assertRejected(edit(e -> e.putObject("sig").put("key_id", "k1").put("value", "not base64!")),
                Rejection.MALFORMED, "sig.value is not Base64");
        assertRejected(edit(e -> e.putObject("sig").put("key_id", "k1")), Rejection.MALFORMED, "sig.value is missing");
    }

    @Test
    void bodyOfTheWrongShape() {
        assertRejected(editBody(b -> b.remove("agent")), Rejection.INVALID_BODY,
                "invalid agent_heartbeat body: body.agent is missing");
        assertRejected(editBody(b -> b.put("tenants", "fifty")), Rejection.INVALID_BODY,
                "invalid agent_heartbeat body: body.tenants must be a 32-bit integer, got a string");
        assertRejected(editBody(b -> b.put("tenants", -1)), Rejection.INVALID_BODY,
                "invalid agent_heartbeat body: tenants must be at least 0, got -1");
    }

    @Test
    void nestedBodyFieldsAreNamedByPath() {
        byte[] report = EventCodec.encode(EventSamples.envelope(EventSamples.TENANT_REPORT));
        assertRejected(edit(report, e -> ((ObjectNode) e.get("body").get("steps").get(1)).put("direction", "sideways")),
                Rejection.INVALID_BODY, "invalid tenant_report body: body.steps[1].direction: unknown direction 'sideways'");
        assertRejected(edit(report, e -> ((ObjectNode) e.get("body")).put("heads", "abc")),
                Rejection.INVALID_BODY, "invalid tenant_report body: body.heads must be an array, got a string");
    }

    @Test
    void unknownTenantStateCode() {
        byte[] report = EventCodec.encode(EventSamples.envelope(EventSamples.TENANT_REPORT));
        assertRejected(edit(report, e -> ((ObjectNode) e.get("body")).put("state", "zombie")),
                Rejection.INVALID_BODY, "invalid tenant_report body: body.state: unknown tenant state 'zombie'");
    }

    @Test
    void tamperedRevisionPublished() {
        byte[] published = EventCodec.encode(EventSamples.envelope(EventSamples.REVISION_PUBLISHED));
        String checksum = EventSamples.REVISION_PUBLISHED.checksum();

        assertRejected(edit(published, e -> ((ObjectNode) e.get("body")).put("upgrade", "DROP TABLE users;")),
                Rejection.CHECKSUM_MISMATCH, "invalid revision_published body: checksum mismatch for revision "
                        + "360b16ba22c2: the event says " + checksum + " but its content hashes to ");
        assertRejected(edit(published, e -> ((ObjectNode) e.get("body")).put("checksum", "0".repeat(64))),
                Rejection.CHECKSUM_MISMATCH, "invalid revision_published body: checksum mismatch for revision "
                        + "360b16ba22c2: the event says " + "0".repeat(64) + " but its content hashes to " + checksum);
        assertRejected(edit(published, e -> ((ObjectNode) e.get("body")).put("checksum", "nope")),
                Rejection.INVALID_BODY, "invalid revision_published body: checksum 'nope' is invalid: expected 64 lowercase hex digits");
    }

    @Test
    void revisionPublishedWithAnIllegalRevisionId() {
        byte[] published = EventCodec.encode(EventSamples.envelope(EventSamples.REVISION_PUBLISHED));
        assertRejected(edit(published, e -> ((ObjectNode) e.get("body")).put("revision", "a-b")),
                Rejection.INVALID_BODY, "invalid revision_published body: body: Character(s) '-' not allowed");
    }

    @Test
    void hugeGarbage() {
        byte[] garbage = new byte[EventCodec.MAX_EVENT_BYTES - 1];
        new Random(42).nextBytes(garbage);
        assertThat(EventCodec.decode(garbage)).isInstanceOf(Decoded.Rejected.class)
                .extracting(d -> ((Decoded.Rejected) d).kind()).isEqualTo(Rejection.MALFORMED);

        assertRejected(new byte[EventCodec.MAX_EVENT_BYTES + 1], Rejection.TOO_LARGE,
                "value is 8388609 bytes, more than the limit of 8388608");
    }

    @Test
    void deeplyNestedJson() {
        byte[] deep = utf8("{\"body\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        assertThat(EventCodec.decode(deep)).isInstanceOf(Decoded.Rejected.class);
    }

    @Test
    void reasonsAreOneLineEvenForControlCharacters() {
        Decoded decoded = EventCodec.decode(utf8("{\"type\":\"a\\nb\"}"));
        assertThat(((Decoded.Rejected) decoded).reason()).isEqualTo("unknown event type 'a\\x0ab'");
    }

    private static void assertRejected(byte[] value, Rejection kind, String reasonStart) {
        Decoded decoded = EventCodec.decode(value);
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        Decoded.Rejected rejected = (Decoded.Rejected) decoded;
        assertThat(rejected.reason()).startsWith(reasonStart).doesNotContain("\n");
        assertThat(rejected.kind()).isEqualTo(kind);
    }

    private static byte[] edit(Consumer<ObjectNode> change) {
        return edit(EventCodec.encode(EventSamples.envelope(EventSamples.AGENT_HEARTBEAT)), change);
    }

    private static byte[] editBody(Consumer<ObjectNode> change) {
        return edit(e -> change.accept((ObjectNode) e.get("body")));
    }

    private static byte[] edit(byte[] wire, Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(wire);
            change.accept(tree);
            return JSON.writeValueAsBytes(tree);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
