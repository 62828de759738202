package io.schemafleet.protocol.event;

import io.schemafleet.protocol.revision.Revision;

/**
 * A revision was published (revisions topic, key = revision id). Carries the whole
 * revision, so that an agent can rebuild the graph from the topic alone, and its
 * checksum, which must match the content: a tampered or corrupted event cannot be
 * constructed, and is rejected on decode with {@link Rejection#CHECKSUM_MISMATCH}.
 *
 * <p>Wire fields (schema 1): {@code revision}, {@code down_revisions},
 * {@code branch_labels}, {@code depends_on}, {@code message}, {@code transactional},
 * {@code upgrade}, {@code downgrade}, {@code checksum}.
 *
 * @param revision the revision
 * @param checksum its {@link io.schemafleet.protocol.revision.RevisionChecksum}, 64 lowercase hex digits
 */
public record RevisionPublished(Revision revision, String checksum) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RevisionPublished {
        Checks.present(revision, "revision");
        Checks.matches(checksum, Checks.SHA256_HEX, "64 lowercase hex digits", "checksum");
        String actual = revision.checksum();
        if (!actual.equals(checksum)) {
            throw new InvalidEventException(Rejection.CHECKSUM_MISMATCH, "checksum mismatch for revision "
                    + revision.id() + ": the event says " + checksum + " but its content hashes to " + actual);
        }
    }

    /** The event publishing {@code revision}, with its checksum computed. */
    public static RevisionPublished of(Revision revision) {
        return new RevisionPublished(revision, Checks.present(revision, "revision").checksum());
    }

    @Override
    public EventType type() {
        return EventType.REVISION_PUBLISHED;
    }
}
