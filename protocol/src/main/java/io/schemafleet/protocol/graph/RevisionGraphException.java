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
    private final String argument;

    public RevisionGraphException(Kind kind, String message) {
        this(kind, message, List.of());
    }

    /** An error about particular revisions (the members of a cycle, the one with a bad parent). */
    public RevisionGraphException(Kind kind, String message, List<String> revisions) {
        this(kind, message, revisions, null);
    }

    /**
     * @param argument the identifier that did not resolve, or that names several heads (Alembic's
     *                 {@code ResolutionError.argument}, {@code MultipleHeads.argument}); null if none
     */
    RevisionGraphException(Kind kind, String message, List<String> revisions, String argument) {
        super(message);
        this.kind = kind;
        this.revisions = List.copyOf(revisions);
        this.argument = argument;
    }

    public Kind kind() {
        return kind;
    }

    /** The revisions the error is about, when it is about particular ones (for several heads: those heads). */
    public List<String> revisions() {
        return revisions;
    }

    /** The identifier that did not resolve or that names several heads; null if the error has none. */
    String argument() {
        return argument;
    }
}
