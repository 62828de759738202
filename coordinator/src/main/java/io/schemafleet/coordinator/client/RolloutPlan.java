package io.schemafleet.coordinator.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A rollout to start: {@code {"to":…,"waves":[…],"supersede":…}}.
 *
 * @param to        the destination ({@code head}, an id, {@code label@head}, …)
 * @param waves     in order; empty: the whole fleet at once (no {@code waves} member is sent)
 * @param supersede replace a rollout that is still running instead of being refused
 */
public record RolloutPlan(String to, List<WavePlan> waves, boolean supersede) {
    public RolloutPlan {
        waves = List.copyOf(waves);
    }

    public ObjectNode toJson() {
        ObjectNode body = FleetClient.JSON.createObjectNode().put("to", to);
        if (!waves.isEmpty()) {
            ArrayNode array = body.putArray("waves");
            waves.forEach(w -> array.add(w.toJson()));
        }
        body.put("supersede", supersede);
        return body;
    }
}
