package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;

/** One line per revision, in the style of {@code alembic history}. */
final class HistoryFormat {
    private HistoryFormat() {
    }

    /** {@code id (labels) (head) (branchpoint) (mergepoint)}. */
    static String tags(RevisionGraph graph, Revision r) {
        StringBuilder out = new StringBuilder(r.id());
        if (!graph.branchLabelsOf(r.id()).isEmpty()) {
            out.append(" (").append(String.join(", ", graph.branchLabelsOf(r.id()))).append(')');
        }
        if (graph.isHead(r.id())) {
            out.append(" (head)");
        }
        if (graph.isBranchPoint(r.id())) {
            out.append(" (branchpoint)");
        }
        if (r.downRevisions().size() > 1) {
            out.append(" (mergepoint)");
        }
        return out.toString();
    }

    /** {@code parents -> id (tags), message}. */
    static String line(RevisionGraph graph, Revision r) {
        String parents = r.downRevisions().isEmpty() ? "<base>" : String.join(", ", r.downRevisions());
        String deps = r.dependsOn().isEmpty() ? "" : " [depends on " + String.join(", ", r.dependsOn()) + "]";
        return parents + " -> " + tags(graph, r) + deps + ", " + r.message();
    }
}
