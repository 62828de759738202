package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.GraphQueries;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code schemafleet history [--range A:B]}: revisions newest first, as {@code alembic history}. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "List revisions from head to base.")
final class HistoryCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Option(names = {"-r", "--range"}, paramLabel = "A:B", description = "[start]:[end], e.g. base:head, ae10:, :auth@head.")
    String range;

    @Spec
    CommandSpec spec;

    @Override
    public boolean json() {
        return output.json;
    }

    @Override
    public Integer call() {
        RevisionGraph graph = dir.graph();
        List<Revision> history = new MigrationPlanner(graph).history(range);
        if (output.json) {
            Output.printJson(spec.commandLine().getOut(), GraphQueries.history(history));
        } else {
            history.forEach(r -> spec.commandLine().getOut().println(HistoryFormat.line(graph, r)));
        }
        return 0;
    }
}
