package io.schemafleet.agent.apply;

import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RevisionGraphException;

import java.util.List;

/**
 * Turns "bring this tenant to DEST" into an upgrade or a downgrade plan: an upgrade if
 * one has steps (Alembic's upgrade to an ancestor is a no-op), otherwise a downgrade,
 * unless DEST names heads ({@code head}, {@code heads}, {@code x@head}), which only
 * ever mean up. Nothing to drop means the tenant is there.
 */
final class DestinationPlanner {
    private final MigrationPlanner planner;

    DestinationPlanner(MigrationPlanner planner) {
        this.planner = planner;
    }

    Plan plan(String destination, List<String> rows) {
        Plan up;
        try {
            up = planner.upgrade(destination, rows);
        } catch (RevisionGraphException upError) {
            try {
                return planner.downgrade(destination, rows);
            } catch (RevisionGraphException downError) {
                throw upError;
            }
        }
        if (!up.steps().isEmpty() || MigrationPlanner.namesHeads(destination)) {
            return up;
        }
        try {
            return planner.downgrade(destination, rows);
        } catch (RevisionGraphException e) {
            if (e.kind() == RevisionGraphException.Kind.RANGE_NOT_ANCESTOR) {
                return up;
            }
            throw e;
        }
    }
}
