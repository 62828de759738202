package io.schemafleet.protocol.graph;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One change to the version table ({@code schemafleet_version}, or Alembic's
 * {@code alembic_version}) that a step makes, exactly as Alembic's head maintainer
 * makes it: a new branch inserts a row, leaving a branch deletes one, moving along a
 * branch updates one.
 */
public sealed interface VersionTableChange {

    /** A row for a new head. */
    record Insert(String version) implements VersionTableChange {
    }

    /** A head that goes away. */
    record Delete(String version) implements VersionTableChange {
    }

    /** A head that moves. */
    record Update(String from, String to) implements VersionTableChange {
    }

    /** The version rows after {@code changes}, starting from {@code rows}. */
    static List<String> applyAll(List<String> rows, List<VersionTableChange> changes) {
        Set<String> next = new LinkedHashSet<>(rows);
        for (VersionTableChange change : changes) {
            if (change instanceof Insert i) {
                next.add(i.version());
            } else if (change instanceof Delete d) {
                next.remove(d.version());
            } else {
                Update u = (Update) change;
                next.remove(u.from());
                next.add(u.to());
            }
        }
        return List.copyOf(next);
    }
}
