package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.List;

/** {@code schemafleet drift [--page N] [--size N]}: exit 1 while any tenant has drifted. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Converged tenants whose schema differs from the others at the same heads (GET /api/drift).",
                "Exit 0 when no tenant has drifted, 1 when some have."})
final class DriftCommand extends ApiCommand {
    @Option(names = "--page", defaultValue = "0", paramLabel = "N", description = "Page, from 0 (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--size", defaultValue = "50", paramLabel = "N", description = "Tenants per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        if (page < 0 || size < 1 || size > 1000) {
            throw new ParameterException(spec.commandLine(), "--page must be 0 or more and --size 1 to 1000");
        }
        JsonNode answer = client().drift(page, size);
        List<String> lines = new ArrayList<>();
        JsonNode groups = answer.path("groups");
        if (!groups.isEmpty()) {
            Table table = new Table("HEADS", "CONVERGED", "SCHEMAS", "MAJORITY", "FINGERPRINT");
            for (JsonNode g : groups) {
                table.row(g.path("heads").asText(), g.path("converged").asText(), g.path("variants").asText(),
                        g.path("majority_tenants").asText(),
                        g.hasNonNull("majority_fingerprint") ? shortened(g.path("majority_fingerprint").asText())
                                : "tie: no majority");
            }
            lines.addAll(table.lines());
            lines.add("");
        }
        if (answer.path("drifted").asLong() > 0) {
            lines.addAll(FleetFormat.tenants(answer.path("tenants")));
            lines.add("see what differs: schemafleet diff TENANT [OTHER_TENANT]");
        } else {
            lines.add("no tenant has drifted");
        }
        print(answer, lines);
        return answer.path("drifted").asLong() > 0 ? 1 : 0;
    }

    static String shortened(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
    }
}
