package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every problem that keeps revisions from forming a graph, not just the first:
 * duplicate ids, branch labels used twice, unknown parents and dependencies, and cycles
 * (looked for with those problems set aside, so that fixing them does not uncover one).
 * Used by {@code schemafleet check} and by whoever validates revisions before publishing them.
 */
public final class GraphCheck {
    private GraphCheck() {
    }

    public static List<GraphProblem> check(List<Revision> revisions) {
        List<GraphProblem> problems = new ArrayList<>();
        Map<String, Revision> byId = new LinkedHashMap<>(); // in the files' order: the same answer every time
        for (Revision r : revisions) {
            if (byId.putIfAbsent(r.id(), r) != null) {
                problems.add(new GraphProblem(r.id(), "revision", Kind.REVISION_ERROR,
                        "Revision " + r.id() + " is present more than once"));
            }
        }
        Map<String, String> labelOwner = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Revision r : revisions) {
            for (String label : r.branchLabels()) {
                String owner = byId.containsKey(label) ? label : labelOwner.putIfAbsent(label, r.id());
                if (owner != null) {
                    ambiguous.add(label);
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
        boolean clean = problems.isEmpty();
        try {
            RevisionGraph.of(clean ? revisions : withoutProblems(byId, ambiguous));
        } catch (RevisionGraphException e) {
            // Set aside, the problems above may leave others behind (a dependency on a label taken
            // away): only a cycle is news then.
            if (clean || e.kind() == Kind.CYCLE_DETECTED || e.kind() == Kind.DEPENDENCY_CYCLE_DETECTED) {
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

    /**
     * The revisions with the problems found set aside: each id once (the first), no label used
     * twice or named like an id (nor any dependency on one: which revision it meant is not
     * known, and guessing could make a cycle up), no reference to anything not there. What
     * is left has only the edges the files agree on, so a cycle in it is one in the files.
     */
    private static List<Revision> withoutProblems(Map<String, Revision> byId, Set<String> ambiguous) {
        Set<String> labels = new HashSet<>();
        byId.values().forEach(r -> r.branchLabels().stream().filter(l -> !ambiguous.contains(l)).forEach(labels::add));
        List<Revision> out = new ArrayList<>();
        for (Revision r : byId.values()) {
            out.add(new Revision(r.id(), r.downRevisions().stream().filter(byId::containsKey).toList(),
                    r.branchLabels().stream().filter(labels::contains).toList(),
                    r.dependsOn().stream().filter(d -> byId.containsKey(d) || labels.contains(d)).toList(),
                    r.message(), r.transactional(), r.upgradeSql(), r.downgradeSql()));
        }
        return out;
    }
}
