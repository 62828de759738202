package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.HeadTracker.StampMove;
import io.schemafleet.protocol.graph.RevisionCollector.Spec;
import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans what {@code alembic upgrade|downgrade|stamp DEST} does to a version table
 * holding {@code currentHeads}: the ordered steps and the rows left afterwards.
 * The same answers as Alembic 1.8, checked by a differential test against it.
 */
public final class MigrationPlanner {
    private final RevisionGraph graph;
    private final RevisionCollector collector;

    public MigrationPlanner(RevisionGraph graph) {
        this.graph = graph;
        this.collector = new RevisionCollector(graph);
    }

    /**
     * Whether {@code destination} counts from where a version table is ({@code -1}, {@code +2},
     * {@code label@-1}), so that it names a revision only against given heads; anything else
     * names the same one whatever the table holds.
     */
    public static boolean relativeToCurrent(String destination) {
        return RelativeDestination.of(destination).isPresent();
    }

    /**
     * Whether {@code destination} is {@code head}, {@code heads} or {@code label@head}: where it
     * leads moves with every revision published on top.
     */
    public static boolean namesHeads(String destination) {
        String symbol = destination.substring(destination.lastIndexOf('@') + 1);
        return symbol.equals("head") || symbol.equals("heads");
    }

    /** {@code alembic upgrade destination} from a version table holding {@code currentHeads}. */
    public Plan upgrade(String destination, List<String> currentHeads) {
        rejectRange(destination);
        try {
            List<Node> newestFirst = collector.iterate(destination, Spec.tuple(currentHeads), true, false, true);
            List<Node> order = new ArrayList<>(newestFirst);
            Collections.reverse(order);
            return run(order, true, currentHeads);
        } catch (RevisionGraphException e) {
            throw CommandErrors.upgrade(e, destination);
        }
    }

    /** {@code alembic downgrade destination} from a version table holding {@code currentHeads}. */
    public Plan downgrade(String destination, List<String> currentHeads) {
        rejectRange(destination);
        try {
            return run(collector.iterateDowngrade(Spec.tuple(currentHeads), destination), false, currentHeads);
        } catch (RevisionGraphException e) {
            throw CommandErrors.downgrade(e, destination);
        }
    }

    /**
     * The version-table changes one step makes from {@code currentHeads}, for settling
     * a step whose SQL ran but whose bookkeeping did not (an interrupted
     * non-transactional step that an operator marks as applied).
     */
    public List<VersionTableChange> changesFor(String revision, Direction direction, List<String> currentHeads) {
        Node node = graph.node(revision);
        if (node == null || !node.id.equals(revision)) {
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR, "No such revision '" + revision + "'");
        }
        return new HeadTracker(graph, currentHeads).apply(node, direction == Direction.UPGRADE);
    }

    /** {@code alembic stamp destination}: the rows afterwards; no steps run. */
    public Plan stamp(String destination, List<String> currentHeads) {
        HeadTracker tracker = new HeadTracker(graph, currentHeads);
        List<StampMove> moves;
        try {
            moves = stampMoves(destination, currentHeads);
        } catch (RevisionGraphException e) {
            throw CommandErrors.stamp(e);
        }
        for (StampMove move : moves) {
            tracker.apply(move);
        }
        return new Plan(List.of(), tracker.sortedHeads());
    }

    private Plan run(List<Node> order, boolean upgrade, List<String> currentHeads) {
        HeadTracker tracker = new HeadTracker(graph, currentHeads);
        List<Step> steps = new ArrayList<>(order.size());
        Direction direction = upgrade ? Direction.UPGRADE : Direction.DOWNGRADE;
        for (Node node : order) {
            steps.add(new Step(node.revision, direction, tracker.apply(node, upgrade)));
        }
        return new Plan(steps, tracker.sortedHeads());
    }

    /** Alembic's {@code ScriptDirectory._stamp_revs}. */
    private List<StampMove> stampMoves(String destination, List<String> currentHeads) {
        List<Node> headRevs = graph.getRevisions(currentHeads);
        String revision = destination == null || destination.isEmpty() ? "base" : destination;
        Set<Node> filtered = new LinkedHashSet<>(graph.filterForLineage(headRevs, revision, true));
        List<String> filteredIds = RevisionGraph.ids(filtered);
        List<Node> dests = graph.getRevisions(revision);
        if (dests.isEmpty()) {
            dests = Collections.singletonList(null);
        }
        List<StampMove> moves = new ArrayList<>();
        for (Node dest : dests) {
            if (dest == null || dest == Node.BASE) {
                for (String head : filteredIds) {
                    moves.add(new StampMove(List.of(head), List.of(), false, true));
                }
            } else if (!filtered.contains(dest)) {
                Set<Node> descendants = new HashSet<>(graph.descendants(List.of(dest), false, false, true));
                Set<Node> ancestors = new HashSet<>(graph.ancestors(List.of(dest), false, true));
                if (intersects(descendants, filtered)) {
                    if (intersects(ancestors, filtered)) {
                        throw new RevisionGraphException(Kind.REVISION_ERROR, "Cannot stamp " + dest.id
                                + ": current heads lie both above and below it");
                    }
                    moves.add(new StampMove(filteredIds, List.of(dest.id), false, false));
                } else if (intersects(ancestors, filtered)) {
                    moves.add(new StampMove(filteredIds, List.of(dest.id), true, false));
                } else {
                    moves.add(new StampMove(List.of(), List.of(dest.id), true, true));
                }
            }
        }
        return moves;
    }

    private static boolean intersects(Set<Node> a, Set<Node> b) {
        for (Node n : b) {
            if (a.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code alembic history [-r base:head]}: revisions newest first. {@code range} is
     * {@code null} for everything, else {@code [start]:[end]}.
     */
    public List<Revision> history(String range) {
        String base = null;
        String head = null;
        if (range != null) {
            String[] parts = range.strip().split(":", -1);
            if (parts.length != 2) {
                throw new RevisionGraphException(Kind.COMMAND_ERROR,
                        "History range requires [start]:[end], [start]:, or :[end]");
            }
            base = parts[0];
            head = parts[1];
        }
        String lower = base == null || base.isEmpty() ? "base" : base;
        String upper = head == null || head.isEmpty() ? "heads" : head;
        try {
            return collector.iterate(upper, Spec.symbol(lower), false, true, false).stream()
                    .map(n -> n.revision).toList();
        } catch (RevisionGraphException e) {
            throw CommandErrors.history(e, lower, upper);
        }
    }

    private static void rejectRange(String destination) {
        if (destination != null && destination.contains(":")) {
            throw new RevisionGraphException(Kind.COMMAND_ERROR, "Range revision not allowed");
        }
    }
}
