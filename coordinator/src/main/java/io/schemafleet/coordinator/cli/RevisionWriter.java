package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.GraphCheck;
import io.schemafleet.protocol.graph.GraphProblem;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;

/**
 * Adds a new revision file to a directory the way {@code alembic revision} and
 * {@code alembic merge} do: parents must be heads (unless spliced), the new graph must
 * be valid, and nothing is written otherwise.
 */
final class RevisionWriter {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RevisionDirectory directory;
    private final RevisionGraph graph;

    RevisionWriter(RevisionDirectory directory) {
        this.directory = directory;
        this.graph = RevisionGraph.of(directory.revisions());
    }

    RevisionGraph graph() {
        return graph;
    }

    /** The revisions {@code symbols} name, as parents of a new revision. */
    List<String> parents(List<String> symbols, boolean splice) {
        List<String> parents = new ArrayList<>();
        try {
            for (String symbol : symbols) {
                parents.addAll(graph.resolveIds(symbol));
            }
        } catch (RevisionGraphException e) {
            if (e.kind() == RevisionGraphException.Kind.MULTIPLE_HEADS) {
                throw new CliFailure(e.kind().code(), "Multiple heads are present; please specify the head "
                        + "revision on which the new revision should be based, or perform a merge.");
            }
            throw e;
        }
        if (new HashSet<>(parents).size() != parents.size()) {
            throw new CliFailure("CommandError", "Duplicate head revisions specified");
        }
        if (!splice) {
            for (String parent : parents) {
                if (!graph.isHead(parent)) {
                    throw new CliFailure("CommandError", "Revision " + parent + " is not a head revision; "
                            + "please specify --splice to create a new branch from this revision");
                }
            }
        }
        return parents;
    }

    /** Dependencies as written: a branch label stays a label, a prefix becomes the full id. */
    List<String> dependencies(List<String> symbols) {
        List<String> out = new ArrayList<>();
        for (String symbol : symbols) {
            String id = graph.resolveOne(symbol).orElseThrow(() ->
                    new CliFailure("CommandError", "depends_on '" + symbol + "' names no revision"));
            out.add(graph.branchLabelsOf(id).contains(symbol) ? symbol : id);
        }
        return out;
    }

    String newId() {
        while (true) {
            String id = HexFormat.of().formatHex(randomBytes(6));
            if (graph.revision(id).isEmpty()) {
                return id;
            }
        }
    }

    /** The {@code -m} text as a revision keeps it: one line, or an error that names no revision id. */
    static String message(String message) {
        String stripped = message.strip();
        if (stripped.isEmpty() || stripped.contains("\n") || stripped.contains("\r")) {
            throw new CliFailure("CommandError", "-m: the message must be one line of text (it opens the revision file)");
        }
        return stripped;
    }

    /** Validates the graph with {@code revision} added, then writes its file. */
    Path write(Revision revision) {
        List<Revision> all = new ArrayList<>(graph.revisions());
        all.add(revision);
        List<GraphProblem> problems = GraphCheck.check(all);
        if (!problems.isEmpty()) {
            GraphProblem first = problems.get(0);
            throw new CliFailure(first.kind().code(), first.message());
        }
        Path path = directory.dir().resolve(RevisionDirectory.newFileName(revision));
        if (Files.exists(path)) {
            throw new CliFailure("CommandError", path + " already exists");
        }
        RevisionFile.create(path, revision).write(path);
        return path;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
