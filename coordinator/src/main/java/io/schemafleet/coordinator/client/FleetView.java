package io.schemafleet.coordinator.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One answer of {@code GET /api/fleet}, the operators' view of the fleet.
 *
 * @param destination      the rollout's destination ({@code head}, an id, ...); null before any rollout
 * @param rollout          the rollout's id; null before any
 * @param rolloutState     {@code running}, {@code paused}, {@code halted}, {@code aborted}, … ; null from a
 *                         coordinator that does not say
 * @param destinationHeads the version table a tenant has at the destination; empty without one
 * @param reported         tenants that have reported
 * @param converged        tenants converged at the destination's heads
 * @param byState          tenants per state code
 * @param byHeads          tenants per heads ({@code base} for none)
 * @param agents           agents that have sent a heartbeat
 * @param pinnedElsewhere  tenants converged at a pin that is not the destination's heads
 */
public record FleetView(String destination, String rollout, String rolloutState, List<String> destinationHeads,
                        long reported, long converged, Map<String, Long> byState, Map<String, Long> byHeads,
                        long agents, long pinnedElsewhere) {
    /** Rollout states in which the fleet stops moving toward the destination for good. */
    public static final Set<String> HALTED_STATES = Set.of("halted", "aborted");

    public FleetView {
        destinationHeads = List.copyOf(destinationHeads);
        byState = Map.copyOf(byState);
        byHeads = Map.copyOf(byHeads);
    }

    public static FleetView of(JsonNode json) {
        List<String> heads = new ArrayList<>();
        json.path("destination_heads").forEach(h -> heads.add(h.asText()));
        return new FleetView(text(json, "destination"), text(json, "rollout"), text(json, "rollout_state"), heads,
                json.path("tenants").asLong(), json.path("converged").asLong(), counts(json.path("by_state")),
                counts(json.path("by_heads")), json.path("agents").asLong(), json.path("pinned_elsewhere").asLong());
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.path(field);
        return node.isTextual() ? node.asText() : null;
    }

    private static Map<String, Long> counts(JsonNode object) {
        Map<String, Long> counts = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    public long inState(String state) {
        return byState.getOrDefault(state, 0L);
    }

    /**
     * Every one of {@code expected} tenants (and any more that reported) is at the destination,
     * or held at its pin elsewhere: an operator's choice, which waiting would not change.
     */
    public boolean allConverged(int expected) {
        return destination != null && !destinationHeads.isEmpty() && settled() >= Math.max(expected, reported);
    }

    /** Tenants where they are meant to be: converged at the destination, or at a pin elsewhere. */
    public long settled() {
        return converged + pinnedElsewhere;
    }

    /** The rollout is paused: agents start no step for its tenants until it is resumed. */
    public boolean paused() {
        return "paused".equals(rolloutState);
    }

    /** The rollout was halted or aborted: the fleet will not get further without an operator. */
    public boolean halted() {
        return rolloutState != null && HALTED_STATES.contains(rolloutState);
    }

    public String headsText() {
        return destinationHeads.isEmpty() ? "base" : String.join(",", destinationHeads);
    }

    /** The destination, with the heads it resolves to where they are not the destination's own text. */
    public String destinationText() {
        return headsText().equals(destination) ? destination : destination + " (" + headsText() + ")";
    }
}
