package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code schemafleet diff TENANT [OTHER]}: like diff(1), exit 0 when the schemas are equal,
 * 1 when not and 2 when there is no answer (an unknown tenant, an agent that did not answer).
 */
@Command(name = "diff", mixinStandardHelpOptions = true, exitCodeOnExecutionException = 2,
        description = {"What differs between two tenants' schemas, from descriptions their agents send on request"
                + " (POST /api/drift/diff).",
                "Without OTHER, TENANT is compared with a tenant that has the majority's schema at its heads.",
                "Lines: '- ' only TENANT has, '+ ' only OTHER has; '@@ table …' opens a hunk among that table's lines.",
                "Exit 0 when identical, 1 when they differ, 2 on trouble (as diff(1))."})
final class DiffCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant to look at.")
    String tenant;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OTHER", description = "The tenant to compare with.")
    String other;

    @Override
    public Integer call() {
        JsonNode answer = client().diff(tenant, other);
        String against = answer.path("against").asText();
        List<String> lines = new ArrayList<>();
        lines.add("--- " + answer.path("tenant").asText() + " " + DriftCommand.shortened(
                answer.path("fingerprints").path(answer.path("tenant").asText()).asText()));
        lines.add("+++ " + against + " " + DriftCommand.shortened(answer.path("fingerprints").path(against).asText())
                + (answer.path("against_majority").asBoolean() ? " (has the majority's schema)" : ""));
        if (answer.path("identical").asBoolean()) {
            lines.add("identical schemas");
        } else {
            answer.path("lines").forEach(l -> lines.add(l.asText()));
        }
        print(answer, lines);
        return answer.path("identical").asBoolean() ? 0 : 1;
    }
}
