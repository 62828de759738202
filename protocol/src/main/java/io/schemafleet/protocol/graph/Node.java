package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A revision inside a {@link RevisionGraph}: the declared revision plus what the graph
 * derives from it (children, resolved dependencies, inherited branch labels). Mirrors
 * the mutable state Alembic keeps on its {@code Revision} objects. Identity matters:
 * nodes are compared by reference, as Alembic compares revisions.
 */
final class Node {
    /** Stands for Alembic's {@code "base"} marker that a downward walk can return. */
    static final Node BASE = new Node();

    final Revision revision;
    final String id;
    /** Position in load order; indexes the graph's adjacency arrays and bit sets. */
    final int index;
    /** Children through {@code down_revision} only, in load order. */
    final Set<String> nextrev = new LinkedHashSet<>();
    /** Children through {@code down_revision} or {@code depends_on}, in load order. */
    final Set<String> allNextrev = new LinkedHashSet<>();
    /** Declared labels plus those inherited from ancestors (and Alembic's downward spill). */
    final Set<String> branchLabels;
    /** Memoized {@link Revision#checksum()}; a benign race if two threads compute it at once. */
    volatile String checksum;
    List<String> resolvedDependencies = List.of();
    List<String> normalizedResolvedDependencies = List.of();
    private List<String> allDownRevisions;
    private List<String> normalizedDownRevisions;

    Node(Revision revision, int index) {
        this.revision = revision;
        this.id = revision.id();
        this.index = index;
        this.branchLabels = new LinkedHashSet<>(revision.branchLabels());
    }

    private Node() {
        this.revision = null;
        this.id = "base";
        this.index = -1;
        this.branchLabels = Set.of();
    }

    List<String> down() {
        return revision.downRevisions();
    }

    /** Parents plus resolved dependencies. */
    List<String> allDownRevisions() {
        if (allDownRevisions == null) {
            allDownRevisions = dedupe(down(), resolvedDependencies);
        }
        return allDownRevisions;
    }

    /** Parents plus the dependencies no ancestor already has. */
    List<String> normalizedDownRevisions() {
        if (normalizedDownRevisions == null) {
            normalizedDownRevisions = dedupe(down(), normalizedResolvedDependencies);
        }
        return normalizedDownRevisions;
    }

    void setResolvedDependencies(List<String> resolved) {
        resolvedDependencies = List.copyOf(resolved);
        allDownRevisions = null;
    }

    void setNormalizedResolvedDependencies(List<String> normalized) {
        normalizedResolvedDependencies = List.copyOf(normalized);
        normalizedDownRevisions = null;
    }

    boolean isBase() {
        return down().isEmpty();
    }

    boolean isRealBase() {
        return down().isEmpty() && revision.dependsOn().isEmpty();
    }

    boolean isRealBranchPoint() {
        return allNextrev.size() > 1;
    }

    boolean isMergePoint() {
        return down().size() > 1;
    }

    private static List<String> dedupe(List<String> first, List<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return List.copyOf(new ArrayList<>(all));
    }

    @Override
    public String toString() {
        return id;
    }
}
