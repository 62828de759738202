package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.SchemafleetException;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --dir} option every local command shares, and loading what it names. */
final class RevisionsDir {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "versions",
            description = "Revisions directory (default: ${DEFAULT-VALUE}). Files load in file-name order.")
    Path dir;

    /** The directory's files, refusing a directory with any problem. */
    RevisionDirectory load() {
        if (!Files.isDirectory(dir)) {
            throw new CliFailure("CommandError", "revisions directory " + dir
                    + " does not exist; create it with `schemafleet init " + dir + "`");
        }
        try {
            return RevisionDirectory.loadValid(dir);
        } catch (SchemafleetException e) {
            throw new CliFailure("RevisionError", e.getMessage());
        }
    }

    RevisionGraph graph() {
        return RevisionGraph.of(load().revisions());
    }

    /** {@link #graph()}, for a command that needs the revisions already published: no advice to create them. */
    RevisionGraph publishedGraph(String why) {
        if (!Files.isDirectory(dir)) {
            throw new CliFailure("CommandError", why + ": revisions directory " + dir + " does not exist; give --dir"
                    + " DIR, the directory the revisions were published from");
        }
        return graph();
    }
}
