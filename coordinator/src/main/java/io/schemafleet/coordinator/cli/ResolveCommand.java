package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.schemafleet.protocol.graph.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code schemafleet resolve SYMBOL}: the revisions a symbol names. */
@Command(name = "resolve", description = "Show the revisions a symbol names (head, heads, base, prefix, label@head, -1, ...).")
final class ResolveCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Parameters(paramLabel = "SYMBOL")
    String symbol;

    @Spec
    CommandSpec spec;

    @Override
    public boolean json() {
        return output.json;
    }

    @Override
    public Integer call() {
        RevisionGraph graph = dir.graph();
        ArrayNode ids = Output.JSON.createArrayNode();
        for (Optional<String> id : graph.resolve(symbol)) {
            if (id.isPresent()) {
                ids.add(id.get());
            } else {
                ids.addNull();
            }
        }
        if (output.json) {
            Output.printJson(spec.commandLine().getOut(), ids);
        } else {
            ids.forEach(id -> spec.commandLine().getOut().println(id.isNull() ? "(past base)" : id.asText()));
        }
        return 0;
    }
}
