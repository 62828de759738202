package io.schemafleet.protocol.event;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EventCodec#decode(byte[])} made of a record value: an {@link Event} or a
 * {@link Rejected} saying why not. A consumer logs a rejection with its topic, partition
 * and offset, counts it, and moves on.
 */
public sealed interface Decoded permits Decoded.Event, Decoded.Rejected {

    /**
     * A valid event.
     *
     * @param envelope the envelope, body kept as JSON (unknown body fields included)
     * @param body     the body read into its record; its type is {@code envelope.type()}
     */
    record Event(Envelope envelope, EventBody body) implements Decoded {
        public Event {
            Objects.requireNonNull(envelope, "envelope");
            Objects.requireNonNull(body, "body");
            if (body.type() != envelope.type()) {
                throw new InvalidEventException("a " + body.type().code() + " body in a "
                        + envelope.type().code() + " envelope");
            }
        }

        /** The body as {@code type}, or empty if it is another kind of body. */
        public <T extends EventBody> Optional<T> bodyAs(Class<T> type) {
            return type.isInstance(body) ? Optional.of(type.cast(body)) : Optional.empty();
        }
    }

    /**
     * A value that is not a valid event for this build.
     *
     * @param kind   the class of problem, for metrics ({@link Rejection#code()})
     * @param reason one line for the log, naming the offending field where there is one
     */
    record Rejected(Rejection kind, String reason) implements Decoded {
        public Rejected {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
