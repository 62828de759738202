package io.schemafleet.coordinator.publish;

import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.coordinator.store.PublishedGraph;
import io.schemafleet.protocol.graph.RevisionGraph;

import java.util.List;
import java.util.Optional;

/**
 * What a publish does to the fleet when its rollout's destination floats ({@code head},
 * {@code heads}, {@code label@head}): the new revisions move the tenants that rollout
 * admitted, without the waves of any rollout started after the publish, or leave the
 * destination naming no single place (a second head under {@code head}). Otherwise, a
 * publish that adds a second head says so: {@code head}, which named one revision, names none.
 */
final class FleetMoveNote {
    private FleetMoveNote() {
    }

    /** The note for a publish that took the published graph from {@code before} to {@code after}; null if none. */
    static String of(Optional<FleetQueries.Destination> fleet, RevisionGraph before, RevisionGraph after) {
        String moved = fleet.map(f -> fleetMoved(f, before, after)).orElse(null);
        if (moved != null || before.heads().size() != 1 || after.heads().size() == 1) {
            return moved;
        }
        return "the published revisions now have " + after.heads().size() + " heads (" + shown(after.heads())
                + "): head names no single revision, so a rollout must name one (rollout start --to <id>), or a merge"
                + " revision join them (schemafleet merge)";
    }

    private static String fleetMoved(FleetQueries.Destination fleet, RevisionGraph before, RevisionGraph after) {
        String destination = fleet.destination();
        List<String> was = PublishedGraph.headsAtOrNull(before, destination);
        List<String> now = PublishedGraph.headsAtOrNull(after, destination);
        if (now == null ? was == null : now.equals(was)) {
            return null;
        }
        String rollout = "the fleet's rollout " + fleet.rolloutId() + " goes to " + destination;
        if (now == null) {
            return rollout + ", which no longer resolves to one place (heads now " + shown(after.heads()) + "): its"
                    + " tenants take no step toward it until a merge revision is published or a rollout names a"
                    + " revision (rollout start --to <id> --supersede)";
        }
        return rollout + ", which is now " + shown(now) + (was == null ? "" : " (was " + shown(was) + ")")
                + ": the tenants it admitted go there without the waves of a rollout started after this. To stage"
                + " revisions, let the fleet's rollout name a revision (rollout start --to <id> --supersede) before"
                + " publishing";
    }

    private static String shown(List<String> heads) {
        return heads.isEmpty() ? "base" : String.join(",", heads);
    }
}
