package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.GraphQueries;
import io.schemafleet.protocol.graph.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code schemafleet heads}: the head revisions, as {@code alembic heads}. */
@Command(name = "heads", mixinStandardHelpOptions = true, description = "Show the head revisions.")
final class HeadsCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public boolean json() {
        return output.json;
    }

    @Override
    public Integer call() {
        RevisionGraph graph = dir.graph();
        if (output.json) {
            Output.printJson(spec.commandLine().getOut(), GraphQueries.strings(graph.heads()));
        } else {
            for (String head : graph.heads()) {
                spec.commandLine().getOut().println(HistoryFormat.tags(graph, graph.revision(head).orElseThrow()));
            }
        }
        return 0;
    }
}
