package io.schemafleet.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One answer of {@code GET /api/fleet}, the operators' view of the fleet.
 *
 * @param destination      the rollout's destination ({@code head}, an id, ...); null before any rollout
 * @param destinationHeads the version table a tenant has at the destination; empty without one
 * @param reported         tenants that have reported
 * @param converged        tenants converged at the destination's heads
 * @param byState          tenants per state code
 * @param agents           agents that have sent a heartbeat
 */
record FleetView(String destination, List<String> destinationHeads, long reported, long converged,
                 Map<String, Long> byState, long agents) {
    FleetView {
        destinationHeads = List.copyOf(destinationHeads);
        byState = Map.copyOf(byState);
    }

    static FleetView of(JsonNode json) {
        List<String> heads = new ArrayList<>();
        json.path("destination_heads").forEach(h -> heads.add(h.asText()));
        Map<String, Long> byState = new LinkedHashMap<>();
        json.path("by_state").fields().forEachRemaining(e -> byState.put(e.getKey(), e.getValue().asLong()));
        JsonNode destination = json.path("destination");
        return new FleetView(destination.isTextual() ? destination.asText() : null, heads,
                json.path("tenants").asLong(), json.path("converged").asLong(), byState, json.path("agents").asLong());
    }

    long inState(String state) {
        return byState.getOrDefault(state, 0L);
    }

    /** Every one of {@code expected} tenants (and any more that reported) is at the destination. */
    boolean allConverged(int expected) {
        return destination != null && !destinationHeads.isEmpty() && converged >= Math.max(expected, reported);
    }

    String headsText() {
        return destinationHeads.isEmpty() ? "base" : String.join(",", destinationHeads);
    }
}
