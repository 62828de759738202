package io.schemafleet.coordinator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.coordinator.projection.Heads;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read queries over the projection that do not fit a repository method: counts, filters, history. */
@Singleton
public class FleetQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT_COLUMNS = "id, heads, state, destination, rollout_id, error_code, error_revision,"
            + " error_sqlstate, error_message, fingerprint, majority_fingerprint, attempts, agent, last_report_at,"
            + " last_seen_at";

    private final TransactionOperations<Connection> tx;

    public FleetQueries(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /** The fleet's destination and the rollout that set it, if any rollout was started. */
    public record Destination(String destination, String rolloutId) {
    }

    /**
     * Counts over the projection, all read in one transaction (a consistent snapshot).
     * {@code pinnedElsewhere}: tenants converged at a pin that is not the destination, where an
     * operator holds them; they are not {@code converged} at the destination, and not behind.
     */
    public record Counts(Optional<Destination> destination, long tenants, long converged,
                         Map<String, Long> byState, Map<String, Long> byHeads, long agents, long poisonRecords,
                         long pinnedElsewhere) {
    }

    /**
     * A tenant as the projection knows it (its newest report). {@code state} is {@code drifted}
     * for a converged tenant whose fingerprint differs from {@code majorityFingerprint}, the
     * one most converged tenants at the same heads share (null when there is no majority).
     */
    public record Tenant(String id, String heads, String state, String destination, String rolloutId,
                         TenantError error, String fingerprint, String majorityFingerprint, int attempts, String agent,
                         Instant lastReportAt, Instant lastSeenAt) {
    }

    /** Why a tenant is not at its destination. */
    public record TenantError(String code, String revision, String sqlstate, String message) {
    }

    /** One event in a tenant's history. */
    public record TenantEvent(Instant at, String type, String state, String heads, JsonNode steps, JsonNode error,
                              String agent) {
    }

    /** A page of tenants. */
    public record TenantPage(long total, int page, int size, List<Tenant> tenants) {
    }

    public Optional<String> currentRollout() {
        return tx.executeRead(status -> destination(status.getConnection()).map(Destination::rolloutId));
    }

    public Optional<Destination> destination() {
        return tx.executeRead(status -> destination(status.getConnection()));
    }

    /**
     * Counts of the fleet; {@code convergedHeads} is the stored heads key of the fleet's
     * destination (null: no destination, nothing counts as converged).
     */
    public Counts counts(String convergedHeads) {
        // fleet_counts (V5__fleet_counts.sql) holds a few rows however many tenants there are.
        return tx.executeRead(status -> {
            Connection c = status.getConnection();
            List<FleetTally.Group> groups = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT state, heads, fingerprint, tenants FROM fleet_counts"
                    + " ORDER BY state, heads, fingerprint");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String fingerprint = rs.getString(3);
                    groups.add(new FleetTally.Group(rs.getString(1), rs.getString(2),
                            fingerprint.isEmpty() ? null : fingerprint, rs.getLong(4)));
                }
            }
            FleetTally tally = FleetTally.of(groups, convergedHeads);
            return new Counts(destination(c), tally.tenants(), tally.converged(), tally.byState(), tally.byHeads(),
                    count(c, "SELECT count(*) FROM agents"), count(c, "SELECT count(*) FROM poison_records"),
                    pinnedElsewhere(c, convergedHeads));
        });
    }

    /**
     * Tenants converged at their pin (they report it as their destination), elsewhere than
     * {@code convergedHeads}; none without a destination. Pins are few: this reads them and
     * their tenants' rows by key, whatever the fleet's size.
     */
    private static long pinnedElsewhere(Connection c, String convergedHeads) throws SQLException {
        if (convergedHeads == null) {
            return 0;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pins p JOIN tenants t ON t.id = p.tenant"
                + " WHERE t.state = 'converged' AND t.destination = p.destination AND t.heads <> ?")) {
            s.setString(1, convergedHeads);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Tenants ordered by id, optionally in one of {@code states} (null or empty: any
     * state) and/or with exactly these heads (stored key).
     */
    public TenantPage tenants(List<String> states, String heads, int page, int size) {
        return tx.executeRead(status -> {
            Connection c = status.getConnection();
            String where = " WHERE (CAST(? AS text[]) IS NULL OR state = ANY(?))"
                    + " AND (CAST(? AS text) IS NULL OR heads = ?)";
            Array stateArray = states == null || states.isEmpty() ? null
                    : c.createArrayOf("text", states.toArray());
            long total;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM fleet_tenants" + where)) {
                bindFilter(s, stateArray, heads);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Tenant> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + TENANT_COLUMNS + " FROM fleet_tenants" + where
                    + " ORDER BY id LIMIT ? OFFSET ?")) {
                bindFilter(s, stateArray, heads);
                s.setInt(5, size);
                s.setLong(6, (long) page * size);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(tenant(rs));
                    }
                }
            }
            return new TenantPage(total, page, size, out);
        });
    }

    public Optional<Tenant> tenant(String id) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT " + TENANT_COLUMNS + " FROM fleet_tenants WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(tenant(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The paused rollout the tenant last reported under, unless a pin takes it out of rollouts:
     * its agent starts no step for it, a retry included, until the rollout is resumed.
     */
    public Optional<String> pausedRolloutHolding(String tenant) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT r.id FROM tenants t"
                    + " JOIN rollouts r ON r.id = t.rollout_id WHERE t.id = ? AND r.state = 'paused'"
                    + " AND NOT EXISTS (SELECT 1 FROM pins p WHERE p.tenant = t.id)")) {
                s.setString(1, tenant);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The tenant's newest events first, at most {@code limit}. */
    public List<TenantEvent> history(String tenant, int limit) {
        return tx.executeRead(status -> {
            List<TenantEvent> out = new ArrayList<>();
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT at, type, state, heads, steps,"
                    + " error, agent FROM tenant_events WHERE tenant = ?"
                    + " ORDER BY at DESC, topic DESC, partition DESC, \"offset\" DESC LIMIT ?")) {
                s.setString(1, tenant);
                s.setInt(2, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String heads = rs.getString(4);
                        out.add(new TenantEvent(instant(rs, 1), rs.getString(2), rs.getString(3),
                                heads == null ? null : Heads.show(heads), json(rs.getString(5)),
                                json(rs.getString(6)), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }

    private static void bindFilter(PreparedStatement s, Array states, String heads) throws SQLException {
        s.setArray(1, states);
        s.setArray(2, states);
        s.setString(3, heads);
        s.setString(4, heads);
    }

    static Tenant tenant(ResultSet rs) throws SQLException {
        String code = rs.getString("error_code");
        TenantError error = code == null ? null : new TenantError(code, rs.getString("error_revision"),
                rs.getString("error_sqlstate"), rs.getString("error_message"));
        return new Tenant(rs.getString("id"), Heads.show(rs.getString("heads")), rs.getString("state"),
                rs.getString("destination"), rs.getString("rollout_id"), error, rs.getString("fingerprint"),
                rs.getString("majority_fingerprint"), rs.getInt("attempts"), rs.getString("agent"), instant(rs, "last_report_at"),
                instant(rs, "last_seen_at"));
    }

    private static Optional<Destination> destination(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT destination, rollout_id FROM fleet");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(new Destination(rs.getString(1), rs.getString(2))) : Optional.empty();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
