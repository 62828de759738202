package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;

import java.util.List;

/**
 * What Alembic's commands say where its revision map raises (its
 * {@code ScriptDirectory._catch_revision_errors}): the same kind, in the words an Alembic
 * user knows and searches for, saying what to do next. Errors it does not reword pass as raised.
 */
final class CommandErrors {
    private CommandErrors() {
    }

    /** {@code alembic upgrade destination}. */
    static RevisionGraphException upgrade(RevisionGraphException e, String destination) {
        return reworded(e, "Destination " + destination + " is not a valid upgrade target from current head(s)",
                destination, null);
    }

    /** {@code alembic downgrade destination}. */
    static RevisionGraphException downgrade(RevisionGraphException e, String destination) {
        return reworded(e, "Destination " + destination + " is not a valid downgrade target from current head(s)",
                destination, null);
    }

    /** {@code alembic stamp destination}. */
    static RevisionGraphException stamp(RevisionGraphException e) {
        return reworded(e, null, null, "Multiple heads are present; please specify a single target revision");
    }

    /** {@code alembic history -r start:end}. */
    static RevisionGraphException history(RevisionGraphException e, String start, String end) {
        return reworded(e, "Requested range " + start + ":" + end + " does not refer to ancestor/descendant"
                + " revisions along the same branch", end, null);
    }

    private static RevisionGraphException reworded(RevisionGraphException e, String notAncestor, String end,
                                                   String multipleHeads) {
        String message = switch (e.kind()) {
            case RANGE_NOT_ANCESTOR -> notAncestor;
            case MULTIPLE_HEADS -> multipleHeads != null ? multipleHeads
                    : multipleHeads(end != null ? end : e.argument(), e.revisions());
            // Kept as raised where the map's words say more: an ambiguous prefix, a revision off its branch.
            case RESOLUTION_ERROR -> e.argument() == null ? null : "Can't locate revision identified by '"
                    + e.argument() + "'" + RevisionGraph.shortPrefixHint(e.argument());
            default -> null;
        };
        return message == null ? e : new RevisionGraphException(e.kind(), message, e.revisions(), e.argument());
    }

    /** Alembic's words, and which heads there are: the operator picks one of them. */
    private static String multipleHeads(String argument, List<String> heads) {
        return "Multiple head revisions are present for given argument '" + argument + "'; please specify a specific"
                + " target revision, '<branchname>@" + argument + "' to narrow to a specific head, or 'heads' for"
                + " all heads" + (heads.isEmpty() ? "" : " (the heads: " + String.join(", ", heads) + ")");
    }
}
