package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One event on the wire: {@code {schema, type, id, at, producer, body, sig}}. Build one
 * with {@link Envelopes}, turn it into bytes and back with {@link EventCodec}.
 *
 * <p>The body is kept as JSON, not as a typed record, so that fields a newer producer
 * added survive a round trip through this build and stay covered by the signature; the
 * typed body comes from {@link EventCodec#decode(byte[])}. The tree is normalized on
 * construction (keys sorted, null members dropped: see {@link CanonicalJson}) and
 * copied in and out, so the record is immutable and two envelopes are equal exactly
 * when their wire forms are.
 *
 * @param schema   schema version of this type's body, 1 to {@link EventType#latestSchema()}
 * @param type     the event type
 * @param id       unique event id (a UUID from {@link Envelopes}); consumers may de-duplicate on it
 * @param at       when the producer created the event
 * @param producer who produced it: {@code coordinator}, {@code agent:<id>}, …
 * @param body     the body, a JSON object
 * @param sig      signature over the canonical bytes of everything else; null when unsigned
 */
public record Envelope(int schema, EventType type, String id, Instant at, String producer,
                       JsonNode body, Signature sig) {

    public Envelope {
        Checks.present(type, "type");
        if (schema < 1 || schema > type.latestSchema()) {
            throw new InvalidEventException(Rejection.UNSUPPORTED_SCHEMA, "unsupported schema version " + schema
                    + " for type " + type.code() + " (this build reads 1 to " + type.latestSchema() + ")");
        }
        Checks.matches(id, Checks.EVENT_ID, Checks.EVENT_ID_RULE, "id");
        Checks.present(at, "at");
        Checks.matches(producer, Checks.TOKEN, Checks.TOKEN_RULE, "producer");
        Checks.present(body, "body");
        if (!body.isObject()) {
            throw new InvalidEventException(Rejection.MALFORMED, "body must be a JSON object, got "
                    + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        body = CanonicalJson.normalize(body);
    }

    /** A copy of the body (the record never hands out its own tree). */
    @Override
    public JsonNode body() {
        return body.deepCopy();
    }

    /** The same envelope carrying {@code signature} (null removes it). */
    public Envelope withSig(Signature signature) {
        return new Envelope(schema, type, id, at, producer, body, signature);
    }
}
