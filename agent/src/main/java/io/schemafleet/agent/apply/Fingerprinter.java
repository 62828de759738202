package io.schemafleet.agent.apply;

import java.sql.Connection;
import java.sql.SQLException;

/** Computes a tenant's schema fingerprint after it converges (for drift detection). */
@FunctionalInterface
public interface Fingerprinter {
    Fingerprinter NONE = (c, schema) -> null;

    /** SHA-256 hex of the normalized schema description, or null. */
    String fingerprint(Connection c, String schema) throws SQLException;
}
