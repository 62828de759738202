package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.protocol.graph.GraphCheck;
import io.schemafleet.protocol.graph.GraphProblem;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;
import io.schemafleet.protocol.revision.RevisionFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet check}: validate a revisions directory and report every problem,
 * each as {@code file:line: reason}; exit 0 only when there is none.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the revisions directory; report every problem with file and line.")
final class CheckCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Option(names = "--max-revision-bytes", paramLabel = "BYTES",
            description = "Report files larger than this, as the coordinator refuses them (default: its default,"
                    + " ${DEFAULT-VALUE}; match schemafleet.max-revision-bytes).")
    int maxRevisionBytes = CoordinatorConfig.DEFAULT_MAX_REVISION_BYTES;

    /** One problem, pointing at a place in a file. */
    record Problem(String file, int line, String type, String reason) {
        String render() {
            return file + ":" + line + ": " + reason;
        }
    }

    @Override
    public boolean json() {
        return output.json;
    }

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir.dir)) {
            throw new CliFailure("CommandError", "revisions directory " + dir.dir
                    + " does not exist; create it with `schemafleet init " + dir.dir + "`");
        }
        RevisionDirectory loaded = RevisionDirectory.load(dir.dir);
        List<Problem> problems = new ArrayList<>();
        for (RevisionFileException e : loaded.problems()) {
            problems.add(new Problem(e.file().toString(), e.line(), "RevisionError", e.reason()));
        }
        for (RevisionFile file : loaded.files()) {
            int bytes = file.text().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxRevisionBytes) {
                problems.add(new Problem(file.path().toString(), 1, "RevisionTooLarge", bytes
                        + " bytes, more than the " + maxRevisionBytes + " a revision file may have"
                        + " (schemafleet.max-revision-bytes): split it into several revisions"));
            }
        }
        for (GraphProblem p : GraphCheck.check(loaded.revisions())) {
            RevisionFile file = p.revision() == null ? null : loaded.file(p.revision()).orElse(null);
            problems.add(file == null
                    ? new Problem(loaded.dir().toString(), 0, p.kind().code(), p.message())
                    : new Problem(file.path().toString(), file.lineOf(p.header()), p.kind().code(), p.message()));
        }
        // Not problems of the directory: such a revision may be published already, and cannot change.
        List<RevisionFileException> unrunnable = loaded.files().stream()
                .flatMap(f -> f.unrunnableStatements().stream()).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            ObjectNode result = Output.JSON.createObjectNode();
            result.put("ok", problems.isEmpty());
            result.put("revisions", loaded.files().size());
            ArrayNode list = result.putArray("problems");
            for (Problem p : problems) {
                list.addObject().put("file", p.file()).put("line", p.line()).put("type", p.type())
                        .put("message", p.reason());
            }
            ArrayNode warnings = result.putArray("warnings");
            unrunnable.forEach(e -> warnings.addObject().put("file", e.file().toString()).put("line", e.line())
                    .put("type", "OutsideTransactionOnly").put("message", e.reason()));
            Output.printJson(out, result);
            return problems.isEmpty() ? 0 : 1;
        }
        unrunnable.forEach(e -> spec.commandLine().getErr().println("warning: " + e.getMessage()));
        if (problems.isEmpty()) {
            RevisionGraph graph = RevisionGraph.of(loaded.revisions());
            out.printf("OK: %d revisions, %d head(s): %s%n", graph.size(), graph.heads().size(),
                    String.join(", ", graph.heads()));
        } else {
            problems.forEach(p -> out.println(p.render()));
            spec.commandLine().getErr().printf("%d problem(s) in %s%n", problems.size(), dir.dir);
        }
        return problems.isEmpty() ? 0 : 1;
    }
}
