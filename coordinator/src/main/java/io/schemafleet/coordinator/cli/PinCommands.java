package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code schemafleet pin TENANT [--to DEST]}, {@code unpin TENANT} and {@code pins}. */
final class PinCommands {
    private PinCommands() {
    }

    /** {@code schemafleet pin TENANT [--to DEST]}. */
    @Command(name = "pin", mixinStandardHelpOptions = true,
            description = {"Pin a tenant at a destination, or where it is now (POST /api/tenants/{id}/pin).",
                    "A pinned tenant goes to its pin and ignores every rollout until unpinned."})
    static final class Pin extends ApiCommand {
        @Parameters(paramLabel = "TENANT", description = "The tenant to pin.")
        String tenant;

        @Option(names = "--to", paramLabel = "DEST",
                description = "An absolute destination (an id, label@head, base, ...); default: its heads now.")
        String to;

        @Override
        public Integer call() {
            var answer = client().pin(tenant, to);
            return print(answer, List.of("tenant " + answer.path("tenant").asText(tenant) + " pinned at "
                    + answer.path("to").asText() + ": rollouts pass it by until schemafleet unpin "
                    + answer.path("tenant").asText(tenant)));
        }
    }

    /** {@code schemafleet unpin TENANT}. */
    @Command(name = "unpin", mixinStandardHelpOptions = true,
            description = "Let a pinned tenant follow rollouts again (POST /api/tenants/{id}/unpin).")
    static final class Unpin extends ApiCommand {
        @Parameters(paramLabel = "TENANT", description = "The tenant to unpin.")
        String tenant;

        @Override
        public Integer call() {
            var answer = client().unpin(tenant);
            return print(answer, List.of("tenant " + answer.path("tenant").asText(tenant)
                    + " unpinned: it follows the fleet's rollout again"));
        }
    }

    /** {@code schemafleet pins}. */
    @Command(name = "pins", mixinStandardHelpOptions = true,
            description = "Every pinned tenant and where it is pinned (GET /api/pins).")
    static final class Pins extends ApiCommand {
        @Override
        public Integer call() {
            var answer = client().pins();
            return print(answer, FleetFormat.pins(answer));
        }
    }
}
