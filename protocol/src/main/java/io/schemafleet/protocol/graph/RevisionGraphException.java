package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.SchemafleetException;

import java.util.List;

/**
 * A question about the revision graph that has no answer: an invalid graph, an
 * unknown or ambiguous destination, an impossible walk. {@link Kind} names the
 * Alembic exception class raised in the same situation, so that tools and the
 * differential test can compare like with like.
 */
public final class RevisionGraphException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    /** The Alembic exception class for the situation; {@link #code()} is its name. */
    public enum Kind {
        REVISION_ERROR("RevisionError"),
        MULTIPLE_HEADS("MultipleHeads"),
        RESOLUTION_ERROR("ResolutionError"),
        RANGE_NOT_ANCESTOR("RangeNotAncestorError"),
        CYCLE_DETECTED("CycleDetected"),
        DEPENDENCY_CYCLE_DETECTED("DependencyCycleDetected"),
        LOOP_DETECTED("LoopDetected"),
        DEPENDENCY_LOOP_DETECTED("DependencyLoopDetected"),
        COMMAND_ERROR("CommandError");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** Stable wire code: the Alembic class name. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final List<String> revisions;

    public RevisionGraphException(Kind kind, String message) {
        this(kind, message, List.of());
    }

    /** An error about particular revisions (the members of a cycle, the one with a bad parent). */
    public RevisionGraphException(Kind kind, String message, List<String> revisions) {
        super(message);
        this.kind = kind;
        this.revisions = List.copyOf(revisions);
    }

    public Kind kind() {
        return kind;
    }

    /** The revisions the error is about, when it is about particular ones. */
    public List<String> revisions() {
        return revisions;
    }
}
