package io.schemafleet.protocol.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds envelopes from typed bodies: the one way producers should make events.
 * The type and schema version come from the body; the body is written at that
 * type's latest schema.
 */
public final class Envelopes {
    private Envelopes() {
    }

    /** A new unsigned event: random UUID id, {@code at} = now (millisecond precision). */
    public static Envelope of(EventBody body, String producer) {
        return of(body, producer, UUID.randomUUID().toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A new unsigned event with the given id and time (for tests and replays). */
    public static Envelope of(EventBody body, String producer, String id, Instant at) {
        Objects.requireNonNull(body, "body");
        return new Envelope(body.type().latestSchema(), body.type(), id, at, producer, BodyWriter.write(body), null);
    }
}
