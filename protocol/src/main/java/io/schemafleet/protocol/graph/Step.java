package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.revision.Revision;

import java.util.List;
import java.util.Objects;

/**
 * One migration step: run a revision's upgrade or downgrade SQL, then make
 * {@code versionChanges} to the version table (in the same transaction where the
 * step is transactional).
 */
public record Step(Revision revision, Direction direction, List<VersionTableChange> versionChanges) {
    public Step {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(direction, "direction");
        versionChanges = List.copyOf(versionChanges);
    }

    /** The SQL this step runs. */
    public String sql() {
        return direction == Direction.UPGRADE ? revision.upgradeSql() : revision.downgradeSql();
    }
}
