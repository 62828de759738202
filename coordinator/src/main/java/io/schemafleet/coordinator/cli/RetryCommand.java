package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code schemafleet retry TENANT}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Ask the tenant's agent to try a failed tenant again (POST /api/tenants/{id}/retry).",
                "A failed tenant waits for this, a new destination or new revisions; for a tenant in another"
                        + " state a warning says what it needs instead (a dirty one: schemafleet resolve).",
                "Answers once the coordinator counts a failed tenant behind, so a watch right after waits"
                        + " for the new try."})
final class RetryCommand extends ApiCommand {
    @Parameters(paramLabel = "TENANT", description = "The tenant to retry.")
    String tenant;

    @Override
    public Integer call() {
        var answer = client().retry(tenant);
        String name = answer.path("tenant").asText(tenant);
        // A coordinator whose projection is late still took the request: say so, but it is no failure.
        if (!answer.path("applied").asBoolean(true)) {
            warn("the request is in the log but the coordinator has not applied it yet (its projection is behind):"
                    + " until it has, it shows " + name + " as before and a watch may stop at its failure");
        }
        // Only a failed tenant waits for a retry: for any other the coordinator says what it needs instead.
        warnNote(answer);
        return print(answer, List.of("retry of " + name + " requested"
                + (answer.hasNonNull("event_id") ? " (event " + answer.get("event_id").asText() + ")" : "")));
    }
}
