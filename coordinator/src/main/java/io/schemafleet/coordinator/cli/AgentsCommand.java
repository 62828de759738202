package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;

import java.time.Instant;

/** {@code schemafleet agents}. */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = {"Every agent that sent a heartbeat, as of its newest one (GET /api/agents).",
                "HEARD is how long ago the broker took its newest heartbeat; one over a minute is marked stale.",
                "An agent that refused events (unsigned, untrusted, forged) is named below the table with its latest"
                        + " refusal."})
final class AgentsCommand extends ApiCommand {
    @Override
    public Integer call() {
        var answer = client().agents();
        return print(answer, FleetFormat.agents(answer, Instant.now()));
    }
}
