package io.schemafleet.coordinator.store;

import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The graph of the published revisions, rebuilt only when a revision was added (the
 * revisions table only ever grows).
 */
@Singleton
public class PublishedGraph {
    private final RevisionRepository revisions;
    private List<RevisionRow> rows = List.of();
    private RevisionGraph graph = RevisionGraph.of(List.of());

    public PublishedGraph(RevisionRepository revisions) {
        this.revisions = revisions;
    }

    /** The published revisions in order, as stored now. */
    public synchronized List<RevisionRow> rows() {
        refresh();
        return rows;
    }

    /** The graph of every published revision. */
    public synchronized RevisionGraph graph() {
        refresh();
        return graph;
    }

    /**
     * The version table a tenant has once brought to {@code destination} from nothing:
     * what "at the destination" means for a fleet whose tenants start anywhere.
     *
     * @throws io.schemafleet.protocol.graph.RevisionGraphException if the destination
     *     does not resolve in the published graph (unknown, ambiguous, relative)
     */
    public static List<String> headsAt(RevisionGraph graph, String destination) {
        return new MigrationPlanner(graph).upgrade(destination, List.of()).headsAfter();
    }

    /** {@link #headsAt}, or null if the destination does not resolve in {@code graph}. */
    public static List<String> headsAtOrNull(RevisionGraph graph, String destination) {
        try {
            return headsAt(graph, destination);
        } catch (RevisionGraphException e) {
            return null;
        }
    }

    private void refresh() {
        if (revisions.count() != rows.size()) {
            List<RevisionRow> now = revisions.listOrderBySeq();
            graph = RevisionGraph.of(now.stream().map(RevisionRow::revision).toList());
            rows = now;
        }
    }
}
