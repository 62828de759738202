package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

import static io.schemafleet.protocol.graph.RevisionGraph.ids;
import static io.schemafleet.protocol.graph.RevisionGraph.pythonInt;
import static io.schemafleet.protocol.graph.RevisionGraph.requireRevision;
import static io.schemafleet.protocol.graph.RevisionGraph.truthy;

/**
 * Which revisions lie between a set of current heads and a destination, in the order
 * Alembic would visit them: a port of {@code RevisionMap.iterate_revisions} with its
 * target parsers and collectors.
 */
final class RevisionCollector {
    private final RevisionGraph graph;

    RevisionCollector(RevisionGraph graph) {
        this.graph = graph;
    }

    /** A revision argument: either one symbol (a string in Alembic) or a tuple of ids. */
    record Spec(String symbol, List<String> tuple) {
        static Spec symbol(String symbol) {
            return new Spec(symbol, null);
        }

        static Spec tuple(List<String> ids) {
            return new Spec(null, List.copyOf(ids));
        }

        /** Alembic's {@code util.to_tuple}. */
        List<String> asTuple() {
            if (tuple != null) {
                return tuple;
            }
            return symbol == null ? List.of() : List.of(symbol);
        }

        @Override
        public String toString() {
            return tuple != null ? String.join(",", tuple) : String.valueOf(symbol);
        }
    }

    /** Revisions to visit, newest first, as {@code iterate_revisions}. */
    List<Node> iterate(String upper, Spec lower, boolean implicitBase, boolean inclusive,
                       boolean assertRelativeLength) {
        Collected c = collectUpgrade(upper, lower, inclusive, implicitBase, assertRelativeLength);
        return graph.nodesOf(graph.topologicalSort(c.revisions(), c.heads()));
    }

    /** Revisions to visit for a downgrade, newest first. */
    List<Node> iterateDowngrade(Spec current, String target) {
        Collected c = collectDowngrade(current, target);
        return graph.nodesOf(graph.topologicalSort(c.revisions(), c.heads()));
    }

    private record Collected(Set<Node> revisions, List<Node> heads) {
    }

    private record DowngradeTarget(String label, Node revision) {
    }

    private DowngradeTarget downgradeTarget(List<String> current, String target, boolean assertRelativeLength) {
        if (target == null) {
            return new DowngradeTarget(null, null);
        }
        Matcher match = RevisionGraph.relative(target);
        if (match != null) {
            String label = match.group(1);
            String symbol = match.group(2);
            String relative = match.group(3);
            long steps = pythonInt(relative);
            if (steps >= 0) {
                if (symbol == null) {
                    throw didNotProduce(relative, steps);
                }
                Node rev = graph.walk(symbol, steps, label, assertRelativeLength);
                if (rev == null) {
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Walked too far");
                }
                return new DowngradeTarget(label, rev);
            }
            boolean relativeToCurrent = symbol == null;
            if (relativeToCurrent) {
                if (truthy(label)) {
                    List<Node> onBranch = graph.filterForLineage(identsOf(current), label, false);
                    if (onBranch.isEmpty()) {
                        onBranch = graph.filterForLineage(new ArrayList<>(graph.allCurrent(current)), label, false);
                    }
                    if (onBranch.size() != 1) {
                        throw new RevisionGraphException(Kind.REVISION_ERROR, "Branch '" + label
                                + "' has " + onBranch.size() + " current heads; cannot walk " + relative
                                + " from it");
                    }
                    symbol = onBranch.get(0).id;
                } else {
                    if (current.isEmpty()) {
                        throw didNotProduce(relative, steps);
                    }
                    symbol = current.get(0);
                    label = symbol;
                }
            }
            Node start = label == null ? graph.getRevision(symbol) : graph.getRevision(label + "@" + symbol);
            Node rev = graph.walk(start, steps, null, assertRelativeLength);
            if (rev == null) {
                if (relativeToCurrent) {
                    throw didNotProduce(relative, steps);
                }
                throw new RevisionGraphException(Kind.REVISION_ERROR, "Walked too far");
            }
            return new DowngradeTarget(label, rev);
        }
        int at = target.lastIndexOf('@');
        String label = at <= 0 ? null : target.substring(0, at);
        return new DowngradeTarget(label, graph.getRevision(target.substring(at + 1)));
    }

    private List<Node> parseUpgradeTarget(List<String> current, String target, boolean assertRelativeLength) {
        Matcher match = target == null ? null : RevisionGraph.relative(target);
        if (match == null) {
            return graph.getRevisions(target);
        }
        String label = match.group(1);
        String symbol = match.group(2);
        String relativeText = match.group(3);
        long steps = pythonInt(relativeText);
        if (steps > 0) {
            if (symbol != null) {
                return listOf(graph.walk(graph.getRevision(symbol), steps, label, assertRelativeLength));
            }
            // Start from the one current revision on the requested line.
            List<Object> starts = new ArrayList<>(current.isEmpty() ? nullList() : current);
            if (truthy(label)) {
                List<Node> onBranch = graph.filterForLineage(graph.getRevisions(current), label, false);
                starts = new ArrayList<>(onBranch);
                if (starts.isEmpty()) {
                    List<Node> active = graph.filterForLineage(
                            graph.ancestors(graph.getRevisions(current), false, true), label, false);
                    Set<String> tips = new LinkedHashSet<>(ids(active));
                    for (Node rev : active) {
                        tips.removeAll(rev.normalizedDownRevisions());
                    }
                    starts = new ArrayList<>(tips);
                    if (starts.isEmpty()) {
                        starts = nullList();
                    }
                }
            }
            if (starts.size() > 1) {
                throw new RevisionGraphException(Kind.REVISION_ERROR,
                        "Ambiguous upgrade from multiple current revisions");
            }
            Object first = starts.get(0);
            Node start = first instanceof String id ? graph.getRevision(id) : (Node) first;
            Node rev = graph.walk(start, steps, label, assertRelativeLength);
            if (rev == null) {
                throw didNotProduce(relativeText, steps);
            }
            return List.of(rev);
        }
        if (symbol == null) {
            throw didNotProduce(Long.toString(steps), steps);
        }
        Node start = label == null ? graph.getRevision(symbol) : graph.getRevision(label + "@" + symbol);
        return listOf(graph.walk(start, steps, null, assertRelativeLength));
    }

    private Collected collectDowngrade(Spec upper, String target) {
        DowngradeTarget parsed = downgradeTarget(upper.asTuple(), target, true);
        String label = parsed.label();
        Node targetRevision = parsed.revision() == Node.BASE ? null : parsed.revision();
        List<Node> roots;
        if (targetRevision == null) {
            roots = new ArrayList<>();
            for (Node node : graph.mapValues()) {
                if (node.isBase()) {
                    roots.add(node);
                }
            }
        } else {
            roots = graph.getRevisions(List.copyOf(targetRevision.nextrev));
        }
        if (truthy(label) && roots.size() > 1) {
            Set<String> ancestors = new HashSet<>(ids(graph.ancestors(List.of(graph.resolveBranch(label)), false, false)));
            List<String> kept = new ArrayList<>(new LinkedHashSet<>(ids(roots)));
            kept.retainAll(ancestors);
            roots = graph.getRevisions(kept);
            if (roots.isEmpty()) {
                throw new RevisionGraphException(Kind.REVISION_ERROR, "Not a valid downgrade target from current heads");
            }
        }
        List<Node> heads = graph.getRevisions(upper.asTuple());
        Set<Node> downgrade = new LinkedHashSet<>(graph.descendants(roots, false, false, true));
        Set<Node> active = new LinkedHashSet<>(graph.ancestors(heads, false, true));
        downgrade.retainAll(active);
        if (targetRevision != null && downgrade.isEmpty() && !heads.contains(targetRevision)) {
            throw new RevisionGraphException(Kind.RANGE_NOT_ANCESTOR, "Nothing to drop: revision "
                    + targetRevision.id + " is not an ancestor of the current revisions (" + upper + ")");
        }
        return new Collected(downgrade, heads);
    }

    private Collected collectUpgrade(String upper, Spec lower, boolean inclusive, boolean implicitBase,
                                     boolean assertRelativeLength) {
        List<Node> targets = new ArrayList<>();
        for (Node node : parseUpgradeTarget(lower.asTuple(), upper, assertRelativeLength)) {
            targets.add(requireRevision(node));
        }
        if (lower.symbol() != null && lower.symbol().contains("@")) {
            String branch = lower.symbol().substring(0, lower.symbol().indexOf('@'));
            Node branchRev = graph.getRevision(branch);
            if (branchRev != null && branchRev.id.equals(branch)) {
                if (branchRev.branchLabels.size() != 1) {
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Revision " + branch
                            + " carries " + branchRev.branchLabels.size()
                            + " branch labels; name the branch by its label");
                }
                branch = branchRev.branchLabels.iterator().next();
            }
            String onBranch = branch;
            targets = new ArrayList<>(new LinkedHashSet<>(
                    targets.stream().filter(t -> t.branchLabels.contains(onBranch)).toList()));
        }
        Set<Node> required = new LinkedHashSet<>(graph.ancestors(targets, true, true));
        required.addAll(targets);

        List<Node> current = graph.getRevisions(lower.asTuple());
        if (!implicitBase) {
            for (Node rev : current) {
                if (rev != null && !required.contains(rev)) {
                    throw new RevisionGraphException(Kind.RANGE_NOT_ANCESTOR, "Revision " + lower
                            + " is not an ancestor of revision " + upper);
                }
            }
        }
        if (!current.isEmpty() && current.get(0) == null) {
            // A relative lower bound ("-2:") that get_revisions cannot resolve on its own.
            if (lower.symbol() == null) {
                throw new RevisionGraphException(Kind.REVISION_ERROR, "Cannot resolve lower bound " + lower);
            }
            Node rev = requireRevisionOrBase(
                    downgradeTarget(List.of(upper), lower.symbol(), assertRelativeLength).revision());
            if (rev == Node.BASE) {
                current = List.of();
                lower = Spec.symbol(null);
            } else {
                current = List.of(rev);
                lower = Spec.symbol(rev.id);
            }
        }
        Set<Node> currentSet = new HashSet<>(graph.ancestors(current, true, true));
        currentSet.addAll(current);
        Set<Node> needs = new LinkedHashSet<>(required);
        needs.removeAll(currentSet);
        if (inclusive) {
            for (Node node : graph.getRevisions(lower.asTuple())) {
                needs.add(requireRevision(node));
            }
        }
        if (!current.isEmpty() && !implicitBase) {
            List<Node> checked = current.stream().map(RevisionGraph::requireRevision).toList();
            needs.retainAll(new HashSet<>(graph.descendants(checked, true, false, false)));
        }
        return new Collected(needs, targets);
    }

    private static Node requireRevisionOrBase(Node node) {
        if (node == null) {
            throw new RevisionGraphException(Kind.REVISION_ERROR, "Walked past the base of the revision graph");
        }
        return node;
    }

    private List<Node> identsOf(Collection<String> ids) {
        List<Node> out = new ArrayList<>();
        for (String id : ids) {
            out.add(graph.revisionForIdent(id, null));
        }
        return out;
    }

    private static List<Node> listOf(Node node) {
        List<Node> out = new ArrayList<>();
        out.add(node);
        return out;
    }

    private static List<Object> nullList() {
        List<Object> out = new ArrayList<>();
        out.add(null);
        return out;
    }

    private static RevisionGraphException didNotProduce(String relative, long steps) {
        return new RevisionGraphException(Kind.REVISION_ERROR,
                "Relative revision " + relative + " didn't produce " + Math.abs(steps) + " migrations");
    }
}
