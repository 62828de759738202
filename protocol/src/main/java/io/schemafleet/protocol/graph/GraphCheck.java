package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every problem that keeps revisions from forming a graph, not just the first:
 * duplicate ids, branch labels used twice, unknown parents and dependencies, then
 * (when those are clean) cycles. Used by {@code schemafleet check} and by whoever
 * validates revisions before publishing them.
 */
public final class GraphCheck {
    private GraphCheck() {
    }

    public static List<GraphProblem> check(List<Revision> revisions) {
        List<GraphProblem> problems = new ArrayList<>();
        Map<String, Revision> byId = new HashMap<>();
        for (Revision r : revisions) {
            if (byId.putIfAbsent(r.id(), r) != null) {
                problems.add(new GraphProblem(r.id(), "revision", Kind.REVISION_ERROR,
                        "Revision " + r.id() + " is present more than once"));
            }
        }
        Map<String, String> labelOwner = new HashMap<>();
        for (Revision r : revisions) {
            for (String label : r.branchLabels()) {
                String owner = byId.containsKey(label) ? label : labelOwner.putIfAbsent(label, r.id());
                if (owner != null) {
                    problems.add(new GraphProblem(r.id(), "branch_labels", Kind.REVISION_ERROR, "Branch name '"
                            + label + "' in revision " + r.id() + " already used by revision " + owner));
                }
            }
        }
        for (Revision r : revisions) {
            for (String parent : r.downRevisions()) {
                if (!byId.containsKey(parent)) {
                    problems.add(new GraphProblem(r.id(), "down_revision", Kind.REVISION_ERROR,
                            "Revision " + parent + " referenced from " + r.id() + " is not present"));
                }
            }
            for (String dep : r.dependsOn()) {
                if (!byId.containsKey(dep) && !labelOwner.containsKey(dep)) {
                    problems.add(new GraphProblem(r.id(), "depends_on", Kind.REVISION_ERROR, "Dependency "
                            + dep + " of revision " + r.id() + " is not a known revision or branch label"));
                }
            }
        }
        if (problems.isEmpty()) {
            try {
                RevisionGraph.of(revisions);
            } catch (RevisionGraphException e) {
                String header = e.kind() == Kind.DEPENDENCY_CYCLE_DETECTED ? "depends_on" : "down_revision";
                if (e.revisions().isEmpty()) {
                    problems.add(new GraphProblem(null, header, e.kind(), e.getMessage()));
                }
                for (String id : e.revisions()) {
                    problems.add(new GraphProblem(id, header, e.kind(), e.getMessage()));
                }
            }
        }
        return problems;
    }
}
