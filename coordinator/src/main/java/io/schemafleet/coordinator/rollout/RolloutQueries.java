package io.schemafleet.coordinator.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.Wave;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads over the projection for rollouts: the rollouts, and where each wave's tenants
 * stand. Wave membership is computed in SQL with the same rule agents apply
 * ({@link Wave#selects}: every label, {@code bucket < bucket_percent}, first selecting
 * wave wins), so counting a wave of 50,000 tenants is one query.
 */
@Singleton
public class RolloutQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, destination, waves, supersedes, started_at, state, admitted,"
            + " halt_reason, halted_wave";
    /** States that count against a wave's failure budget. */
    static final String FAILED_STATES = "('failed', 'blocked', 'dirty', 'unreachable')";

    private final TransactionOperations<Connection> tx;

    public RolloutQueries(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /** The newest rollouts first, at most {@code limit}. */
    public List<RolloutRow> list(int limit) {
        return tx.executeRead(status -> rows(status.getConnection(),
                "SELECT " + COLUMNS + " FROM rollouts ORDER BY seq DESC LIMIT ?", limit));
    }

    public Optional<RolloutRow> get(String id) {
        return tx.executeRead(status -> rows(status.getConnection(),
                "SELECT " + COLUMNS + " FROM rollouts WHERE id = ?", id).stream().findFirst());
    }

    /** The newest rollout: the one the fleet's destination comes from. */
    public Optional<RolloutRow> current() {
        return list(1).stream().findFirst();
    }

    /** Where each wave's tenants stand for {@code rollout}, by wave index. */
    public List<WaveCounts> counts(RolloutRow rollout) {
        return tx.executeRead(status -> {
            List<Object> params = new ArrayList<>();
            String wave = waveOf(rollout.waves(), params);
            String sql = "SELECT w, count(*),"
                    + " count(*) FILTER (WHERE rollout_id = ? AND state = 'converged'),"
                    + " count(*) FILTER (WHERE rollout_id = ? AND state IN " + FAILED_STATES + "),"
                    + " count(*) FILTER (WHERE rollout_id = ? AND state IN ('applying', 'behind'))"
                    + " FROM (SELECT t.rollout_id, t.state, " + wave + " AS w FROM tenants t"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pins p WHERE p.tenant = t.id)) x GROUP BY w";
            List<Object> all = new ArrayList<>(List.of(rollout.id(), rollout.id(), rollout.id()));
            all.addAll(params);
            WaveCounts[] out = new WaveCounts[rollout.waves().size()];
            Arrays.fill(out, WaveCounts.NONE);
            try (PreparedStatement s = prepare(status.getConnection(), sql, all); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int w = rs.getInt(1);
                    if (w >= 0) {
                        out[w] = new WaveCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
                    }
                }
            }
            return List.of(out);
        });
    }

    /**
     * For each of {@code waves}, how many of the tenants the coordinator knows its labels and
     * bucket select, whatever an earlier wave takes and whether they are pinned; and, last, how
     * many tenants it knows. A wave at 0 there selects nobody at all (a misspelt label).
     */
    public List<Long> selectable(List<Wave> waves) {
        return tx.executeRead(status -> {
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT");
            for (Wave w : waves) {
                sql.append(" count(*) FILTER (WHERE ").append(waveOf(List.of(w), params)).append(" = 0),");
            }
            sql.append(" count(*) FROM tenants t");
            List<Long> out = new ArrayList<>();
            try (PreparedStatement s = prepare(status.getConnection(), sql.toString(), params);
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                for (int i = 1; i <= waves.size() + 1; i++) {
                    out.add(rs.getLong(i));
                }
            }
            return out;
        });
    }

    /** Up to {@code limit} failed tenants of wave {@code index}, as {@link RolloutEngine#failedTenant} writes them. */
    public List<String> failedTenants(RolloutRow rollout, int index, int limit) {
        return tx.executeRead(status -> {
            List<Object> params = new ArrayList<>();
            String wave = waveOf(rollout.waves(), params);
            String sql = "SELECT id, error_code, error_sqlstate, error_message"
                    + " FROM (SELECT t.*, " + wave + " AS w FROM tenants t) x"
                    + " WHERE w = ? AND rollout_id = ? AND state IN " + FAILED_STATES + " ORDER BY id LIMIT ?";
            params.addAll(List.of(index, rollout.id(), limit));
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = prepare(status.getConnection(), sql, params); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(RolloutEngine.failedTenant(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4)));
                }
            }
            return out;
        });
    }

    /** The pins: tenant → destination. */
    public Map<String, String> pins() {
        return tx.executeRead(status -> {
            Map<String, String> out = new java.util.TreeMap<>();
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT tenant, destination FROM pins");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** The heads of a tenant that reported (stored key), if it did. */
    public Optional<String> tenantHeads(String tenant) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT heads FROM tenants WHERE id = ?")) {
                s.setString(1, tenant);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** {@code CASE WHEN <wave 0 selects> THEN 0 ... ELSE -1 END}, its parameters added to {@code params}. */
    private static String waveOf(List<Wave> waves, List<Object> params) {
        StringBuilder sql = new StringBuilder("CASE");
        for (int i = 0; i < waves.size(); i++) {
            Wave w = waves.get(i);
            sql.append(" WHEN t.labels @> CAST(? AS jsonb)");
            params.add(JSON.valueToTree(w.labels()).toString());
            if (w.bucketPercent() != null) {
                sql.append(" AND t.bucket < ?");
                params.add(w.bucketPercent());
            }
            sql.append(" THEN ").append(i);
        }
        return sql.append(" ELSE -1 END").toString();
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
        return s;
    }

    private static List<RolloutRow> rows(Connection c, String sql, Object param) throws SQLException {
        List<RolloutRow> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Wave> waves = waves(rs.getString("waves"));
                    if (waves.isEmpty()) {
                        waves = List.of(Wave.byLabels(RolloutRow.WHOLE_FLEET, Map.of()));
                    }
                    out.add(new RolloutRow(rs.getString("id"), rs.getString("destination"), waves,
                            rs.getString("supersedes"), instant(rs, "started_at"), rs.getString("state"),
                            rs.getInt("admitted"), rs.getString("halt_reason"), rs.getString("halted_wave"),
                            List.of()));
                }
            }
        }
        List<RolloutRow> withTimes = new ArrayList<>(out.size());
        for (RolloutRow r : out) {
            withTimes.add(new RolloutRow(r.id(), r.to(), r.waves(), r.supersedes(), r.startedAt(), r.state(),
                    r.admitted(), r.haltReason(), r.haltedWave(), times(c, r.id())));
        }
        return withTimes;
    }

    private static List<RolloutRow.WaveTimes> times(Connection c, String rollout) throws SQLException {
        List<RolloutRow.WaveTimes> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT admitted_at, converged_at FROM rollout_waves WHERE rollout_id = ? ORDER BY idx")) {
            s.setString(1, rollout);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new RolloutRow.WaveTimes(instant(rs, "admitted_at"), instant(rs, "converged_at")));
                }
            }
        }
        return out;
    }

    private static List<Wave> waves(String json) {
        try {
            return RolloutStarted.wavesFrom(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
