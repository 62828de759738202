package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.graph.GraphQueries;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet plan upgrade|downgrade|stamp DEST [--from R1,R2]}: what Alembic
 * would do from that version table; {@code plan --batch FILE} answers one JSON question
 * per line with one JSON answer per line.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = {
        "Show the steps and resulting version-table rows of upgrade/downgrade/stamp DEST.",
        "With --batch FILE (- for stdin): one JSON question per line in, one JSON answer per line out."})
final class PlanCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Mixin
    FromOption from;

    @Parameters(index = "0", arity = "0..1", paramLabel = "OP", description = "upgrade, downgrade or stamp.")
    String op;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DEST", description = "Destination: head, heads, base, an id or prefix, +N, -N, label@head, rev@+N, ...")
    String destination;

    @Option(names = "--batch", paramLabel = "FILE", description = "Answer the questions in FILE (- for stdin).")
    String batch;

    @Spec
    CommandSpec spec;

    @Override
    public boolean json() {
        return output.json || batch != null;
    }

    @Override
    public Integer call() throws IOException {
        if (batch != null) {
            if (op != null) {
                throw new ParameterException(spec.commandLine(), "--batch takes no OP or DEST");
            }
            return runBatch(new GraphQueries(dir.graph()));
        }
        if (op == null || destination == null || !List.of("upgrade", "downgrade", "stamp").contains(op)) {
            throw new ParameterException(spec.commandLine(), (op != null && destination != null
                    ? "unknown operation '" + op + "'; " : "") + "expected: plan upgrade|downgrade|stamp DEST"
                    + " [--from R1,R2]");
        }
        RevisionGraph graph = dir.graph();
        MigrationPlanner planner = new MigrationPlanner(graph);
        Plan plan = switch (op) {
            case "upgrade" -> planner.upgrade(destination, from.rows());
            case "downgrade" -> planner.downgrade(destination, from.rows());
            default -> planner.stamp(destination, from.rows());
        };
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Output.printJson(out, GraphQueries.plan(plan));
        } else {
            if (plan.steps().isEmpty()) {
                out.println("(no steps)");
            }
            for (Step step : plan.steps()) {
                out.printf("%-9s %s  %s%s%n", step.direction().code(), step.revision().id(), step.revision().message(),
                        step.revision().transactional() ? "" : "  [non-transactional]");
            }
            out.println("version table after: " + (plan.headsAfter().isEmpty() ? "(empty)"
                    : String.join(", ", plan.headsAfter())));
        }
        return 0;
    }

    private int runBatch(GraphQueries queries) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (BufferedReader in = "-".equals(batch)
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(batch), StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Output.printJson(out, answer(queries, line, lineNo));
            }
        }
        out.flush();
        return 0;
    }

    private static JsonNode answer(GraphQueries queries, String line, int lineNo) {
        try {
            return queries.answer(Output.JSON.readTree(line));
        } catch (IOException | IllegalArgumentException e) {
            ObjectNode error = Output.JSON.createObjectNode();
            error.putObject("error").put("type", "UsageError")
                    .put("message", "line " + lineNo + ": " + e.getMessage().lines().findFirst().orElse(""));
            return error;
        }
    }
}
