package io.schemafleet.agent.tenant;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.protocol.SchemafleetException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The part both pattern discoveries share: list names LIKE a pattern, accept the safe ones. */
final class PatternDiscovery {
    private PatternDiscovery() {
    }

    static String requirePattern(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new SchemafleetException("a discovery pattern (SQL LIKE, e.g. 'tenant_%') is required");
        }
        return pattern;
    }

    /**
     * Runs {@code sql} (one bind parameter: the pattern; one column: the name) and turns
     * each name into a tenant, or a refusal if the name is not a safe identifier.
     */
    static Discovery discover(Databases databases, String url, String sql, String pattern, String what,
                              Function<String, Tenant> tenant) {
        List<String> names = new ArrayList<>();
        try (Connection c = databases.open(url); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, pattern);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new SchemafleetException("discovering " + what + "s LIKE '" + pattern + "' in "
                    + JdbcUrls.redact(url) + " failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        List<Tenant> tenants = new ArrayList<>();
        List<Discovery.Refusal> refused = new ArrayList<>();
        for (String name : names) {
            try {
                Identifiers.requireSafe(name, what + " name");
            } catch (SchemafleetException e) {
                refused.add(new Discovery.Refusal(name, e.getMessage()));
                continue;
            }
            tenants.add(tenant.apply(name));
        }
        return new Discovery(tenants, refused);
    }
}
