package io.schemafleet.coordinator.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.projection.Heads;
import io.schemafleet.coordinator.rollout.RolloutQueries;
import io.schemafleet.coordinator.rollout.RolloutRow;
import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.coordinator.store.PublishedGraph;

import java.util.List;
import java.util.Map;

/** {@code GET /api/fleet}: where the fleet stands against its destination. */
@Controller("/api/fleet")
@ExecuteOn(TaskExecutors.BLOCKING)
public class FleetController {
    private final FleetQueries queries;
    private final PublishedGraph published;
    private final RolloutQueries rollouts;

    public FleetController(FleetQueries queries, PublishedGraph published, RolloutQueries rollouts) {
        this.queries = queries;
        this.published = published;
        this.rollouts = rollouts;
    }

    /**
     * @param destination       the newest rollout's destination ({@code head}, an id, …); null before any rollout
     * @param rollout           the newest rollout's id; null before any
     * @param destinationHeads  the version table a tenant has at the destination, resolved in the published
     *                          graph now; null without a destination
     * @param tenants           tenants that have reported
     * @param converged         tenants in state {@code converged} (or {@code drifted}: at the right heads with an
     *                          unexpected schema) whose heads are {@code destination_heads}
     * @param byState           tenants per state
     * @param byHeads           tenants per heads (sorted ids joined with {@code ,}; {@code base} for none)
     * @param agents            agents that have sent a heartbeat
     * @param poisonRecords     records skipped because they could not be projected
     * @param rolloutState      the newest rollout's state (running, paused, halted, aborted, completed,
     *                          superseded); null before any rollout
     * @param pinnedElsewhere   tenants converged at a pin that is not {@code destination_heads}: held there
     *                          by an operator, so neither converged at the destination nor behind it
     */
    public record FleetStatus(String destination, String rollout, List<String> destinationHeads, long tenants,
                              long converged, Map<String, Long> byState, Map<String, Long> byHeads, long agents,
                              long poisonRecords, String rolloutState, long pinnedElsewhere) {
    }

    @Get
    public FleetStatus fleet() {
        var destination = queries.destination();
        List<String> heads = null;
        if (destination.isPresent()) {
            // null when a publish left the destination naming no single place (a second head under
            // "head"): nothing counts as converged then, and the publish's note said so
            heads = PublishedGraph.headsAtOrNull(published.graph(), destination.get().destination());
        }
        FleetQueries.Counts counts = queries.counts(heads == null ? null : Heads.key(heads));
        return new FleetStatus(destination.map(FleetQueries.Destination::destination).orElse(null),
                destination.map(FleetQueries.Destination::rolloutId).orElse(null), heads, counts.tenants(),
                counts.converged(), counts.byState(), counts.byHeads(), counts.agents(), counts.poisonRecords(),
                rollouts.current().map(RolloutRow::state).orElse(null), counts.pinnedElsewhere());
    }
}
