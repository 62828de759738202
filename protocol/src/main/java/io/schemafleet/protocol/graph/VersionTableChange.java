package io.schemafleet.protocol.graph;

/**
 * One change to the version table ({@code schemafleet_version}, or Alembic's
 * {@code alembic_version}) that a step makes, exactly as Alembic's head maintainer
 * makes it: a new branch inserts a row, leaving a branch deletes one, moving along a
 * branch updates one.
 */
public sealed interface VersionTableChange {

    /** A row for a new head. */
    record Insert(String version) implements VersionTableChange {
    }

    /** A head that goes away. */
    record Delete(String version) implements VersionTableChange {
    }

    /** A head that moves. */
    record Update(String from, String to) implements VersionTableChange {
    }
}
