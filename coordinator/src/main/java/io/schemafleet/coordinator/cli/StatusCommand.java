package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetClientException;
import io.schemafleet.coordinator.client.FleetView;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.List;

/** {@code schemafleet status}: the fleet summary. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The fleet against its destination: tenants converged, by state and by heads (GET /api/fleet).")
final class StatusCommand extends ApiCommand {
    @Override
    public Integer call() {
        JsonNode fleet = client().fleetJson();
        // An agent that stopped still counts in the fleet's agents: name the quiet ones (not for --json,
        // which is GET /api/fleet as it came).
        List<String> stale = json() || FleetView.of(fleet).agents() == 0 ? List.of() : staleAgents();
        return print(fleet, FleetFormat.status(FleetView.of(fleet), fleet.path("poison_records").asLong(), stale));
    }

    /** The quiet agents; none named if the coordinator will not say (the summary stands without them). */
    private List<String> staleAgents() {
        try {
            return FleetFormat.staleAgents(client().agents(), Instant.now());
        } catch (FleetClientException | java.time.format.DateTimeParseException e) {
            return List.of();
        }
    }
}
