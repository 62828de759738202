package io.schemafleet.agent.store;

import io.schemafleet.agent.tenant.Identifiers;

/**
 * Which version table a tenant uses: Schemafleet's own {@code schemafleet_version}
 * (one row per applied head, {@code varchar(64)}), or Alembic's {@code alembic_version}
 * so that a database Alembic manages today is adopted as it is, with the same ids.
 * The history table is always {@code schemafleet_history}.
 */
public record VersionLayout(String versionTable, String historyTable) {
    public static final VersionLayout SCHEMAFLEET = new VersionLayout("schemafleet_version", "schemafleet_history");
    public static final VersionLayout ALEMBIC = new VersionLayout("alembic_version", "schemafleet_history");

    public VersionLayout {
        Identifiers.requireSafe(versionTable, "version table");
        Identifiers.requireSafe(historyTable, "history table");
    }

    /** {@code schemafleet_version} or {@code alembic_version}. */
    public static VersionLayout named(String versionTable) {
        return switch (versionTable) {
            case "schemafleet_version" -> SCHEMAFLEET;
            case "alembic_version" -> ALEMBIC;
            default -> new VersionLayout(versionTable, "schemafleet_history");
        };
    }
}
