package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.revision.Revision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code schemafleet merge REV... -m MSG}: a revision joining several heads. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "Create a merge revision whose parents are the given heads (e.g. `heads`).")
final class MergeCommand implements Callable<Integer> {
    @Mixin
    RevisionsDir dir;

    @Parameters(paramLabel = "REV", arity = "1..*", description = "Heads to merge: ids, prefixes, label@head, heads.")
    List<String> revisions;

    @Option(names = {"-m", "--message"}, required = true, description = "One-line description.")
    String message;

    @Option(names = "--branch-label", description = "Branch label for the merge revision (repeatable).")
    List<String> branchLabels = new ArrayList<>();

    @Option(names = "--rev-id", description = "Use this id instead of a random 12-hex one.")
    String revId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RevisionWriter writer = new RevisionWriter(dir.load());
        List<String> parents = writer.parents(revisions, false);
        if (parents.size() < 2) {
            throw new CliFailure("CommandError", "a merge needs at least two heads to join; "
                    + String.join(" ", revisions) + " names " + (parents.isEmpty() ? "none"
                    : "only " + String.join(", ", parents)));
        }
        String id = revId != null ? revId : writer.newId();
        Path path = writer.write(new Revision(id, parents, branchLabels, List.of(), RevisionWriter.message(message), true, "", ""));
        spec.commandLine().getOut().printf("Generating %s ... done%n", path);
        return 0;
    }
}
