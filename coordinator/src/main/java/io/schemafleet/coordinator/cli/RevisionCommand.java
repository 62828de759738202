package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.revision.Revision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code schemafleet revision -m MSG}: a new, empty revision on top of a head. */
@Command(name = "revision", mixinStandardHelpOptions = true, description = "Create a new revision file whose parent is the current head.")
final class RevisionCommand implements Callable<Integer> {
    @Mixin
    RevisionsDir dir;

    @Option(names = {"-m", "--message"}, required = true, description = "One-line description.")
    String message;

    @Option(names = "--head", defaultValue = "head",
            description = "Parent: a head, label@head, or base for a new root (default: ${DEFAULT-VALUE}).")
    String head;

    @Option(names = "--branch-label", description = "Branch label for the new revision (repeatable).")
    List<String> branchLabels = new ArrayList<>();

    @Option(names = "--depends-on", description = "Revision or branch label it depends on (repeatable).")
    List<String> dependsOn = new ArrayList<>();

    @Option(names = "--splice", description = "Allow a parent that is not a head (starts a branch).")
    boolean splice;

    @Option(names = "--rev-id", description = "Use this id instead of a random 12-hex one.")
    String revId;

    @Option(names = "--non-transactional",
            description = "Mark the revision transactional: false (e.g. CREATE INDEX CONCURRENTLY).")
    boolean nonTransactional;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RevisionWriter writer = new RevisionWriter(dir.load());
        String id = revId != null ? revId : writer.newId();
        Revision revision = new Revision(id, writer.parents(List.of(head), splice), branchLabels,
                writer.dependencies(dependsOn), RevisionWriter.message(message), !nonTransactional, "", "");
        Path path = writer.write(revision);
        spec.commandLine().getOut().printf("Generating %s ... done%n", path);
        return 0;
    }
}
