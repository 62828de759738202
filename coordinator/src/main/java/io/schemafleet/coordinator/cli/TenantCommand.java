package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code schemafleet tenant ID}: one tenant and its history. */
@Command(name = "tenant", mixinStandardHelpOptions = true,
        description = "One tenant: where it stands and its events, newest first (GET /api/tenants/{id}).")
final class TenantCommand extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "The tenant, as its agent reports it (a schema or database name).")
    String id;

    @Option(names = "--history", defaultValue = "20", paramLabel = "N",
            description = "Events to show, 0 to 10000 (default: ${DEFAULT-VALUE}).")
    int history;

    @Override
    public Integer call() {
        var answer = client().tenant(id, inRange("--history", history, 0, 10_000));
        return print(answer, FleetFormat.tenant(answer));
    }
}
