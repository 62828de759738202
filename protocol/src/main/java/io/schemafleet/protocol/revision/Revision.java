package io.schemafleet.protocol.revision;

import io.schemafleet.protocol.AsciiRun;
import io.schemafleet.protocol.graph.RevisionGraphException;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One immutable schema revision: its place in the graph (parents, branch labels,
 * dependencies) and the SQL that moves a database across it.
 *
 * @param id             the revision id, unique in a graph ({@code [A-Za-z0-9_]}, at most 64)
 * @param downRevisions  parents; empty for a base, several for a merge
 * @param branchLabels   labels declared on this revision (not the ones it inherits)
 * @param dependsOn      revision ids or branch labels this revision depends on
 * @param message        one-line description
 * @param transactional  false for SQL that cannot run in a transaction (CREATE INDEX CONCURRENTLY)
 * @param upgradeSql     the upgrade section, verbatim (may be empty: a placeholder revision)
 * @param downgradeSql   the downgrade section, verbatim (may be empty)
 */
public record Revision(
        String id,
        List<String> downRevisions,
        List<String> branchLabels,
        List<String> dependsOn,
        String message,
        boolean transactional,
        String upgradeSql,
        String downgradeSql) {

    /** Longest id, so that it always fits {@code version_num varchar(64)}. */
    public static final int MAX_ID_LENGTH = 64;

    private static final AsciiRun ID = AsciiRun.of("A-Za-z0-9_", 1, MAX_ID_LENGTH);
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.]*");

    public Revision {
        Objects.requireNonNull(id, "id");
        downRevisions = List.copyOf(downRevisions);
        branchLabels = List.copyOf(branchLabels);
        dependsOn = List.copyOf(dependsOn);
        message = Objects.requireNonNullElse(message, "");
        upgradeSql = Objects.requireNonNullElse(upgradeSql, "");
        downgradeSql = Objects.requireNonNullElse(downgradeSql, "");
        verifyId(id);
        if (downRevisions.contains(id)) {
            throw new RevisionGraphException(RevisionGraphException.Kind.LOOP_DETECTED,
                    "Self-loop is detected in revisions (" + id + ")");
        }
        if (dependsOn.contains(id)) {
            throw new RevisionGraphException(RevisionGraphException.Kind.DEPENDENCY_LOOP_DETECTED,
                    "Dependency self-loop is detected in revisions (" + id + ")");
        }
        for (String parent : downRevisions) {
            verifyId(parent);
        }
        for (String label : branchLabels) {
            if (!LABEL.matcher(label).matches()) {
                throw new RevisionGraphException(RevisionGraphException.Kind.REVISION_ERROR,
                        "Branch label '" + label + "' of revision " + id
                                + " must be letters, digits, '_' and '.', not starting with '.'");
            }
        }
    }

    /** A revision with graph metadata only and no SQL: handy for tests and tools. */
    public static Revision of(String id, List<String> downRevisions, List<String> branchLabels,
                              List<String> dependsOn) {
        return new Revision(id, downRevisions, branchLabels, dependsOn, "", true, "", "");
    }

    /** True when this revision has no parent. */
    public boolean isBase() {
        return downRevisions.isEmpty();
    }

    /** The SHA-256 content checksum (see {@link RevisionChecksum}). */
    public String checksum() {
        return RevisionChecksum.of(this);
    }

    /** Refuses an id Alembic would refuse, and anything that is not a plain word. */
    public static void verifyId(String id) {
        StringBuilder illegal = new StringBuilder();
        for (String c : List.of("+", "-", "@")) {
            if (id.contains(c)) {
                illegal.append(illegal.length() == 0 ? "" : ", ").append(c);
            }
        }
        if (illegal.length() > 0) {
            throw new RevisionGraphException(RevisionGraphException.Kind.REVISION_ERROR,
                    "Character(s) '" + illegal + "' not allowed in revision identifier '" + id + "'");
        }
        if (!ID.matches(id)) {
            throw new RevisionGraphException(RevisionGraphException.Kind.REVISION_ERROR,
                    "Revision identifier '" + id + "' must be 1 to " + MAX_ID_LENGTH
                            + " letters, digits or '_'");
        }
    }
}
