package io.schemafleet.protocol.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * The one place events become bytes and bytes become events.
 *
 * <p>{@link #encode} writes the canonical JSON of the envelope ({@link CanonicalJson}),
 * {@code sig} included. {@link #decode} never throws: anything that is not a valid event
 * for this build (empty, too large, not JSON, duplicate keys, wrong field types, unknown
 * type, unsupported schema version, invalid body, checksum mismatch) comes back as a
 * {@link Decoded.Rejected}. Unknown fields are ignored, in the envelope and in bodies,
 * so older consumers read newer producers' events of the same schema version.
 */
public final class EventCodec {
    /** Largest value {@link #decode} accepts and {@link #encode} produces: 8 MiB. */
    public static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EventCodec() {
    }

    /**
     * The wire bytes of {@code envelope}. Refuses (with {@link InvalidEventException}) an
     * envelope whose body a consumer would reject, so that producers fail, not consumers.
     */
    public static byte[] encode(Envelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        BodyReader.read(envelope.type(), envelope.schema(), envelope.body());
        byte[] bytes = CanonicalJson.write(tree(envelope, true));
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new InvalidEventException(Rejection.TOO_LARGE, tooLarge(bytes.length));
        }
        return bytes;
    }

    /** The event in {@code value}, or why it is not one. Never throws. */
    public static Decoded decode(byte[] value) {
        try {
            return read(value);
        } catch (InvalidEventException e) {
            return new Decoded.Rejected(e.rejection(), e.getMessage());
        } catch (RuntimeException e) {
            return new Decoded.Rejected(Rejection.MALFORMED, "cannot decode: " + printable(String.valueOf(e)));
        }
    }

    private static Decoded read(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException(Rejection.MALFORMED, "empty value (a null value is a tombstone, not an event)");
        }
        if (value.length > MAX_EVENT_BYTES) {
            throw new InvalidEventException(Rejection.TOO_LARGE, tooLarge(value.length));
        }
        JsonNode root = parse(value);
        Fields env = Fields.of(root, "", Rejection.MALFORMED);
        String code = env.text("type");
        EventType type = EventType.fromCode(code).orElseThrow(() -> new InvalidEventException(
                Rejection.UNKNOWN_TYPE, "unknown event type " + Checks.shown(code)));
        int schema = env.integer("schema");
        if (schema < 1 || schema > type.latestSchema()) {
            throw new InvalidEventException(Rejection.UNSUPPORTED_SCHEMA, "unsupported schema version " + schema
                    + " for type " + type.code() + (schema < 1 ? " (versions start at 1)"
                    : " (this build reads up to " + type.latestSchema() + ")"));
        }
        String id = env.text("id");
        Instant at = env.instant("at");
        String producer = env.text("producer");
        Fields sig = env.optObject("sig");
        JsonNode body = root.get("body");
        if (body == null || body.isNull()) {
            throw new InvalidEventException(Rejection.MALFORMED, "body is missing");
        }
        Envelope envelope;
        try {
            envelope = new Envelope(schema, type, id, at, producer, body,
                    sig == null ? null : new Signature(sig.text("key_id"), sig.text("value")));
        } catch (InvalidEventException e) {
            throw new InvalidEventException(Rejection.MALFORMED, e.getMessage());
        }
        try {
            return new Decoded.Event(envelope, BodyReader.read(type, schema, body));
        } catch (InvalidEventException e) {
            throw new InvalidEventException(e.rejection(), "invalid " + type.code() + " body: " + e.getMessage());
        }
    }

    /** The envelope as a JSON tree; {@code withSig} false gives what a signature covers. */
    static ObjectNode tree(Envelope e, boolean withSig) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("schema", e.schema());
        o.put("type", e.type().code());
        o.put("id", e.id());
        o.put("at", BodyWriter.instant(e.at()));
        o.put("producer", e.producer());
        o.set("body", e.body());
        if (withSig && e.sig() != null) {
            o.putObject("sig").put("key_id", e.sig().keyId()).put("value", e.sig().value());
        }
        return o;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return READER.readTree(value);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new InvalidEventException(Rejection.MALFORMED, "not JSON: " + printable(e.getOriginalMessage())
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidEventException(Rejection.MALFORMED, "not JSON: " + printable(e.getMessage()));
        }
    }

    private static String tooLarge(int length) {
        return "value is " + length + " bytes, more than the limit of " + MAX_EVENT_BYTES;
    }

    /** At most 200 characters, control characters escaped: safe for a one-line log. */
    private static String printable(String message) {
        return Checks.escaped(message == null ? "" : message, 200);
    }
}
