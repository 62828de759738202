package io.schemafleet.protocol.graph;

/**
 * Something wrong with a set of revisions as a graph.
 *
 * @param revision the revision at fault, or {@code null} when the problem has no single owner
 * @param header   the revision-file header the problem is about ({@code down_revision}, ...)
 * @param kind     the Alembic error class for it
 * @param message  what is wrong, for an operator
 */
public record GraphProblem(String revision, String header, RevisionGraphException.Kind kind, String message) {
}
