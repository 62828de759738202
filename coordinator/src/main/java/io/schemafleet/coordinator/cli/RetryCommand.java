package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code schemafleet retry TENANT}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Ask the tenant's agent to try a failed tenant again (POST /api/tenants/{id}/retry).",
                "A failed tenant waits for this, a new destination or new revisions."})
final class RetryCommand extends ApiCommand {
    @Parameters(paramLabel = "TENANT", description = "The tenant to retry.")
    String tenant;

    @Override
    public Integer call() {
        var answer = client().retry(tenant);
        return print(answer, List.of("retry of " + answer.path("tenant").asText(tenant) + " requested"
                + (answer.hasNonNull("event_id") ? " (event " + answer.get("event_id").asText() + ")" : "")));
    }
}
