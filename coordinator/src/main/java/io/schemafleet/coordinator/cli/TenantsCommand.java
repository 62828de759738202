package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.fleet.TenantState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code schemafleet tenants [--state S] [--heads H] [--page N] [--size N]}. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Tenants by id, with their state, heads and last error (GET /api/tenants).")
final class TenantsCommand extends ApiCommand {
    @Option(names = "--state", paramLabel = "STATE",
            description = "Only tenants in this state: converged, applying, behind, failed, blocked, dirty, drifted,"
                    + " unreachable.")
    String state;

    @Option(names = "--heads", paramLabel = "REV[,REV]", description = "Only tenants with exactly these heads (or base).")
    String heads;

    @Option(names = "--page", defaultValue = "0", paramLabel = "N", description = "Page, from 0 (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--size", defaultValue = "50", paramLabel = "N", description = "Tenants per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        if (state != null) {
            try {
                TenantState.fromCode(state);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage() + "; one of converged, applying,"
                        + " behind, failed, blocked, dirty, drifted, unreachable");
            }
        }
        if (page < 0 || size < 1 || size > 1000) {
            throw new ParameterException(spec.commandLine(), "--page must be 0 or more and --size 1 to 1000");
        }
        var answer = client().tenants(state, heads, page, size);
        return print(answer, FleetFormat.tenants(answer));
    }
}
