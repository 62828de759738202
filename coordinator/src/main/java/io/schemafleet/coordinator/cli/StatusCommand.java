package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetView;
import picocli.CommandLine.Command;

/** {@code schemafleet status}: the fleet summary. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The fleet against its destination: tenants converged, by state and by heads (GET /api/fleet).")
final class StatusCommand extends ApiCommand {
    @Override
    public Integer call() {
        JsonNode fleet = client().fleetJson();
        return print(fleet, FleetFormat.status(FleetView.of(fleet), fleet.path("poison_records").asLong()));
    }
}
