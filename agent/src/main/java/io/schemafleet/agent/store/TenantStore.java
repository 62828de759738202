package io.schemafleet.agent.store;

import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.VersionTableChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Schemafleet's bookkeeping inside one tenant: the version table (one row per applied
 * head, exactly like {@code alembic_version}) and the history table. Every name that
 * reaches SQL is a validated, quoted identifier; every value is a bind parameter.
 */
public final class TenantStore {
    /** Namespace of Schemafleet's advisory locks, so they never collide with an application's. */
    public static final int LOCK_NAMESPACE = 0x5CF1EE7;

    private final Tenant tenant;
    private final String versionTable;
    private final String historyTable;

    public TenantStore(Tenant tenant, VersionLayout layout) {
        this.tenant = tenant;
        this.versionTable = tenant.quotedSchema() + "." + quote(layout.versionTable());
        this.historyTable = tenant.quotedSchema() + "." + quote(layout.historyTable());
    }

    private static String quote(String name) {
        return io.schemafleet.agent.tenant.Identifiers.quote(name);
    }

    /**
     * Creates the tenant's schema and Schemafleet's tables if missing, under the
     * tenant's lock so that two agents starting together do not race on the catalog.
     */
    public void ensureTables(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            lockTransaction(c);
            st.execute("CREATE SCHEMA IF NOT EXISTS " + tenant.quotedSchema());
            st.execute("CREATE TABLE IF NOT EXISTS " + versionTable
                    + " (version_num varchar(64) NOT NULL, CONSTRAINT "
                    + quote(pkName()) + " PRIMARY KEY (version_num))");
            st.execute("CREATE TABLE IF NOT EXISTS " + historyTable + " ("
                    + "id bigserial PRIMARY KEY, "
                    + "revision varchar(64) NOT NULL, "
                    + "direction varchar(9) NOT NULL, "
                    + "checksum char(64) NOT NULL, "
                    + "started_at timestamptz NOT NULL, "
                    + "finished_at timestamptz, "
                    + "duration_ms bigint, "
                    + "agent varchar(200) NOT NULL, "
                    + "outcome varchar(24) NOT NULL, "
                    + "sqlstate varchar(5), "
                    + "error text)");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private String pkName() {
        String table = versionTable.substring(versionTable.lastIndexOf('.') + 2, versionTable.length() - 1);
        return table.length() > 58 ? table.substring(0, 58) + "_pkc" : table + "_pkc";
    }

    /** Takes the tenant's transaction-scoped advisory lock (released at commit or rollback). */
    public void lockTransaction(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, tenant.schema());
            ps.execute();
        }
    }

    /** Takes the tenant's session-scoped advisory lock, for non-transactional steps. */
    public void lockSession(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, tenant.schema());
            ps.execute();
        }
    }

    public void unlockSession(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, tenant.schema());
            ps.execute();
        }
    }

    /** The version rows, pending marker and applied checksums. */
    public TenantSnapshot snapshot(Connection c) throws SQLException {
        List<String> rows = rows(c);
        Optional<PendingStep> pending = Optional.empty();
        Map<String, String> checksums = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, revision, direction, started_at, agent, outcome, checksum FROM "
                     + historyTable + " WHERE outcome IN ('pending', 'applied', 'resolved-applied')"
                     + " AND (outcome = 'pending' OR direction = 'upgrade') ORDER BY id")) {
            while (rs.next()) {
                if (HistoryOutcome.PENDING.code().equals(rs.getString("outcome"))) {
                    pending = Optional.of(new PendingStep(rs.getLong("id"), rs.getString("revision"),
                            rs.getString("direction"), rs.getTimestamp("started_at").toInstant(), rs.getString("agent")));
                } else {
                    checksums.put(rs.getString("revision"), rs.getString("checksum"));
                }
            }
        }
        return new TenantSnapshot(rows, pending, checksums);
    }

    /** The interrupted non-transactional step, if there is one. */
    public Optional<PendingStep> pending(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, revision, direction, started_at, agent FROM " + historyTable
                     + " WHERE outcome = 'pending' ORDER BY id LIMIT 1")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new PendingStep(rs.getLong("id"), rs.getString("revision"), rs.getString("direction"),
                    rs.getTimestamp("started_at").toInstant(), rs.getString("agent")));
        }
    }

    public List<String> rows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version_num FROM " + versionTable)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** Applies a step's version-table changes; each must touch exactly one row. */
    public void apply(Connection c, List<VersionTableChange> changes) throws SQLException {
        for (VersionTableChange change : changes) {
            if (change instanceof VersionTableChange.Insert i) {
                exactlyOne(c, "INSERT INTO " + versionTable + " (version_num) VALUES (?)", i.version());
            } else if (change instanceof VersionTableChange.Delete d) {
                exactlyOne(c, "DELETE FROM " + versionTable + " WHERE version_num = ?", d.version());
            } else {
                VersionTableChange.Update u = (VersionTableChange.Update) change;
                exactlyOne(c, "UPDATE " + versionTable + " SET version_num = ? WHERE version_num = ?", u.to(), u.from());
            }
        }
    }

    private static void exactlyOne(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            int n = ps.executeUpdate();
            if (n != 1) {
                // Aborts the transaction: the version table is not what the plan assumed.
                throw new SQLException("version table update matched " + n + " rows, expected 1: " + sql, "55000");
            }
        }
    }

    /** A history row; returns its id. */
    public long record(Connection c, HistoryRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + historyTable
                + " (revision, direction, checksum, started_at, finished_at, duration_ms, agent, outcome, sqlstate, error)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, row.revision());
            ps.setString(2, row.direction());
            ps.setString(3, row.checksum());
            ps.setTimestamp(4, Timestamp.from(row.startedAt()));
            ps.setTimestamp(5, row.finishedAt() == null ? null : Timestamp.from(row.finishedAt()));
            if (row.finishedAt() == null) {
                ps.setNull(6, java.sql.Types.BIGINT);
            } else {
                ps.setLong(6, row.finishedAt().toEpochMilli() - row.startedAt().toEpochMilli());
            }
            ps.setString(7, row.agent());
            ps.setString(8, row.outcome().code());
            ps.setString(9, row.sqlState());
            ps.setString(10, row.error());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Closes a pending history row. */
    public void finish(Connection c, long id, HistoryOutcome outcome, Instant finishedAt, String sqlState,
                       String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + historyTable
                + " SET outcome = ?, finished_at = ?, duration_ms = (EXTRACT(EPOCH FROM (?::timestamptz - started_at)) * 1000)::bigint,"
                + " sqlstate = ?, error = ? WHERE id = ?")) {
            Timestamp finished = Timestamp.from(finishedAt);
            ps.setString(1, outcome.code());
            ps.setTimestamp(2, finished);
            ps.setTimestamp(3, finished);
            ps.setString(4, sqlState);
            ps.setString(5, error);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /** Every history row, oldest first (for operators and tests). */
    public List<HistoryRow> history(Connection c) throws SQLException {
        List<HistoryRow> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT revision, direction, checksum, started_at, finished_at, agent,"
                     + " outcome, sqlstate, error FROM " + historyTable + " ORDER BY id")) {
            while (rs.next()) {
                Timestamp finished = rs.getTimestamp("finished_at");
                out.add(new HistoryRow(rs.getString("revision"), rs.getString("direction"), rs.getString("checksum"),
                        rs.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant(),
                        rs.getString("agent"), outcomeOf(rs.getString("outcome")), rs.getString("sqlstate"),
                        rs.getString("error")));
            }
        }
        return out;
    }

    private static HistoryOutcome outcomeOf(String code) {
        for (HistoryOutcome o : HistoryOutcome.values()) {
            if (o.code().equals(code)) {
                return o;
            }
        }
        throw new IllegalStateException("unknown history outcome '" + code + "'");
    }
}
