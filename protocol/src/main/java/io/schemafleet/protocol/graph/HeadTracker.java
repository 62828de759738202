package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The version-table rows as steps run: a port of Alembic's {@code HeadMaintainer},
 * {@code RevisionStep} and {@code StampStep} row logic. Where Alembic would fail an
 * assertion or a row count check, this throws a {@link RevisionGraphException} naming
 * the row.
 */
final class HeadTracker {
    private final RevisionGraph graph;
    private final Set<String> heads;

    HeadTracker(RevisionGraph graph, List<String> heads) {
        this.graph = graph;
        this.heads = new LinkedHashSet<>(heads);
    }

    List<String> sortedHeads() {
        return List.copyOf(new TreeSet<>(heads));
    }

    /** A stamp move: rows {@code from} become {@code to}, no SQL. */
    record StampMove(List<String> from, List<String> to, boolean upgrade, boolean branchMove) {
    }

    List<VersionTableChange> apply(Node revision, boolean upgrade) {
        List<VersionTableChange> changes = new ArrayList<>();
        List<String> down = revision.normalizedDownRevisions();
        String id = revision.id;
        if (!upgrade && heads.contains(id) && (down.isEmpty() || unmergeTo(revision).isEmpty())) {
            delete(id, changes);
        } else if (upgrade && (down.isEmpty() || intersection(down).isEmpty())) {
            insert(id, changes);
        } else if (upgrade && down.size() > 1 && intersection(down).size() > 1) {
            List<String> from = new ArrayList<>(down);
            Set<String> others = new HashSet<>(heads);
            others.removeAll(down);
            if (!others.isEmpty()) {
                BitSet below = ancestorBits(others, from);
                from.removeIf(rev -> below.get(graph.node(rev).index));
            }
            if (from.isEmpty()) {
                throw rowError("merge " + id + " finds none of its parents among the current heads " + heads);
            }
            for (String del : from.subList(0, from.size() - 1)) {
                delete(del, changes);
            }
            update(from.get(from.size() - 1), id, changes);
        } else if (!upgrade && heads.contains(id) && down.size() > 1) {
            List<String> to = unmergeTo(revision);
            for (String ins : to.subList(0, to.size() - 1)) {
                insert(ins, changes);
            }
            update(id, to.get(to.size() - 1), changes);
        } else {
            String downRevision;
            if (down.size() != 1) {
                List<String> present = intersection(down);
                if (present.size() != 1) {
                    throw rowError("Can't do an UPDATE because downrevision is ambiguous for " + id);
                }
                downRevision = present.get(0);
            } else {
                downRevision = down.get(0);
            }
            if (upgrade) {
                update(downRevision, id, changes);
            } else {
                update(id, downRevision, changes);
            }
        }
        return changes;
    }

    void apply(StampMove move) {
        List<VersionTableChange> ignored = new ArrayList<>();
        Set<String> toMissing = new HashSet<>(move.to());
        toMissing.removeAll(heads);
        Set<String> fromMissing = new HashSet<>(move.from());
        fromMissing.removeAll(heads);
        if (!move.upgrade() && move.branchMove()) {
            delete(single(move.from()), ignored);
        } else if (move.upgrade() && (move.branchMove() || !fromMissing.isEmpty()) && !toMissing.isEmpty()) {
            insert(single(move.to()), ignored);
        } else if (move.from().size() > 1) {
            for (String del : move.from().subList(0, move.from().size() - 1)) {
                delete(del, ignored);
            }
            update(move.from().get(move.from().size() - 1), first(move.to()), ignored);
        } else if (move.to().size() > 1) {
            for (String ins : move.to().subList(0, move.to().size() - 1)) {
                insert(ins, ignored);
            }
            update(first(move.from()), move.to().get(move.to().size() - 1), ignored);
        } else {
            update(single(move.from()), single(move.to()), ignored);
        }
    }

    /** Where an unmerging downgrade leaves rows: the parents no other head already implies. */
    private List<String> unmergeTo(Node revision) {
        List<String> to = revision.normalizedDownRevisions();
        Set<String> others = new HashSet<>(heads);
        others.remove(revision.id);
        if (others.isEmpty()) {
            return to;
        }
        BitSet below = ancestorBits(others, to);
        List<String> out = new ArrayList<>(to);
        out.removeIf(rev -> below.get(graph.node(rev).index));
        return out;
    }

    /** Which of {@code ids}' ancestors could be among {@code candidates}: pruned below the lowest candidate. */
    private BitSet ancestorBits(Set<String> ids, List<String> candidates) {
        int minLevel = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            minLevel = Math.min(minLevel, graph.level(graph.node(candidate)));
        }
        return graph.ancestorBits(graph.getRevisions(List.copyOf(ids)), true, minLevel);
    }

    private List<String> intersection(List<String> ids) {
        return ids.stream().filter(heads::contains).toList();
    }

    private void insert(String version, List<VersionTableChange> changes) {
        if (!heads.add(version)) {
            throw rowError("version table already holds " + version);
        }
        changes.add(new VersionTableChange.Insert(version));
    }

    private void delete(String version, List<VersionTableChange> changes) {
        if (!heads.remove(version)) {
            throw rowError("version table does not hold " + version);
        }
        changes.add(new VersionTableChange.Delete(version));
    }

    private void update(String from, String to, List<VersionTableChange> changes) {
        if (heads.contains(to)) {
            throw rowError("version table already holds " + to);
        }
        if (!heads.remove(from)) {
            throw rowError("version table does not hold " + from);
        }
        heads.add(to);
        changes.add(new VersionTableChange.Update(from, to));
    }

    private static String single(List<String> ids) {
        if (ids.size() != 1) {
            throw rowError("expected exactly one revision, got " + ids);
        }
        return ids.get(0);
    }

    private static String first(List<String> ids) {
        if (ids.isEmpty()) {
            throw rowError("expected a revision, got none");
        }
        return ids.get(0);
    }

    private static RevisionGraphException rowError(String message) {
        return new RevisionGraphException(Kind.REVISION_ERROR, message);
    }
}
