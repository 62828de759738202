package io.schemafleet.coordinator.store;

import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.coordinator.projection.Heads;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drift over the projection: which converged tenants' schemas differ from the others at
 * the same heads (the views in {@code V3__drift.sql}), and the descriptions agents sent.
 */
@Singleton
public class DriftQueries {
    private final TransactionOperations<Connection> tx;

    public DriftQueries(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /**
     * Converged tenants at one heads that do not all share one fingerprint.
     *
     * @param heads               the heads, as shown ({@code base} for none)
     * @param converged           converged tenants at these heads with a fingerprint
     * @param variants            distinct fingerprints among them
     * @param majorityFingerprint the fingerprint most of them share; null on a tie (no one can be called drifted)
     * @param majorityTenants     how many share it; 0 on a tie
     */
    public record HeadsGroup(String heads, long converged, long variants, String majorityFingerprint,
                             long majorityTenants) {
    }

    /** A tenant's schema description as its agent sent it. */
    public record Description(String tenant, String requestId, String fingerprint, String description, String agent,
                              Instant describedAt) {
    }

    /** Every heads whose converged tenants disagree, most tenants first. */
    public List<HeadsGroup> disagreements() {
        return tx.executeRead(status -> {
            List<HeadsGroup> out = new ArrayList<>();
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT g.heads, sum(g.n), count(*),"
                    + " m.fingerprint, coalesce(m.tenants, 0) FROM (SELECT heads, fingerprint, count(*) AS n"
                    + " FROM tenants WHERE state = 'converged' AND fingerprint IS NOT NULL GROUP BY heads, fingerprint) g"
                    + " LEFT JOIN majority_fingerprints m ON m.heads = g.heads"
                    + " GROUP BY g.heads, m.fingerprint, m.tenants HAVING count(*) > 1 ORDER BY 2 DESC, 1");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new HeadsGroup(Heads.show(rs.getString(1)), rs.getLong(2), rs.getLong(3),
                            rs.getString(4), rs.getLong(5)));
                }
            }
            return out;
        });
    }

    /**
     * A tenant other than {@code except} at {@code heads} (stored key) with the majority's
     * schema, to describe on request: the one whose agent was heard most recently (a stopped
     * agent would leave the request unanswered), then the most recently reported, then by id.
     */
    public Optional<String> majorityTenant(String heads, String except) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT t.id FROM fleet_tenants t"
                    + " LEFT JOIN agents a ON a.id = t.agent"
                    + " WHERE t.heads = ? AND t.state = 'converged' AND t.fingerprint = t.majority_fingerprint"
                    + " AND t.id <> ? ORDER BY a.heard_at DESC NULLS LAST, t.last_report_at DESC, t.id LIMIT 1")) {
                s.setString(1, heads);
                s.setString(2, except);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** When the broker appended {@code agent}'s newest heartbeat; empty for an agent never heard. */
    public Optional<Instant> agentHeardAt(String agent) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT heard_at FROM agents WHERE id = ?")) {
                s.setString(1, agent);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
                }
            }
        });
    }

    /** The description {@code tenant}'s agent sent in answer to {@code requestId}, once it is there. */
    public Optional<Description> description(String tenant, String requestId) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT tenant, request_id,"
                    + " fingerprint, description, agent, described_at FROM tenant_descriptions"
                    + " WHERE tenant = ? AND request_id = ?")) {
                s.setString(1, tenant);
                s.setString(2, requestId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(description(rs)) : Optional.empty();
                }
            }
        });
    }

    private static Description description(ResultSet rs) throws SQLException {
        return new Description(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class).toInstant());
    }
}
