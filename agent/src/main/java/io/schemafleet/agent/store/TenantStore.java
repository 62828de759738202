package io.schemafleet.agent.store;

import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.VersionTableChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
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
    /** Unqualified: runs under the step's search path, so the text is the same for every tenant. */
    private final String bookkeepingSql;

    public TenantStore(Tenant tenant, VersionLayout layout) {
        this.tenant = tenant;
        this.versionTable = tenant.quotedSchema() + "." + quote(layout.versionTable());
        this.historyTable = tenant.quotedSchema() + "." + quote(layout.historyTable());
        this.bookkeepingSql = bookkeepingSql(quote(layout.versionTable()), quote(layout.historyTable()));
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
            st.execute("CREATE SCHEMA IF NOT EXISTS " + tenant.quotedSchema() + ";\n"
                    + "CREATE TABLE IF NOT EXISTS " + versionTable
                    + " (version_num varchar(64) NOT NULL, CONSTRAINT "
                    + quote(pkName()) + " PRIMARY KEY (version_num));\n"
                    + "CREATE TABLE IF NOT EXISTS " + historyTable + " ("
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

    /**
     * Takes the tenant's transaction-scoped advisory lock (released at commit or
     * rollback). Must be the first thing the transaction does: while the lock is taken
     * the transaction is rolled back and the lock tried again after a pause, so that no
     * transaction of ours ever waits inside PostgreSQL (see {@link #beginStepSql}).
     */
    public void lockTransaction(Connection c) throws SQLException {
        LockWait wait = new LockWait(Duration.ofMinutes(15));
        while (!tryLock(c, "pg_try_advisory_xact_lock")) {
            c.rollback();
            wait.pause();
        }
    }

    /** Takes the tenant's session-scoped advisory lock, for non-transactional steps; polls likewise. */
    public void lockSession(Connection c) throws SQLException {
        LockWait wait = new LockWait(Duration.ofMinutes(15));
        while (!tryLock(c, "pg_try_advisory_lock")) {
            wait.pause();
        }
    }

    public void unlockSession(Connection c) throws SQLException {
        tryLock(c, "pg_advisory_unlock");
    }

    /** Calls one of PostgreSQL's advisory lock functions on this tenant's key. */
    private boolean tryLock(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, tenant.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Waits until no one holds the tenant's lock (taking and releasing it), so that a
     * {@code pending} row seen without the lock can be told apart: another agent in the
     * middle of a non-transactional step holds the lock; an interrupted step does not.
     */
    public void awaitUnlocked(Connection c) throws SQLException {
        lockSession(c);
        unlockSession(c);
    }

    /** The version rows, pending marker and applied checksums, in one round trip. */
    public TenantSnapshot snapshot(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        Optional<PendingStep> pending = Optional.empty();
        Map<String, String> checksums = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 'row' AS kind, 0::bigint AS id, version_num AS revision, NULL::text AS direction,"
                     + " NULL::timestamptz AS started_at, NULL::text AS agent, NULL::text AS checksum FROM " + versionTable
                     + " UNION ALL SELECT outcome, id, revision, direction, started_at, agent, checksum FROM " + historyTable
                     + " WHERE outcome = 'pending' OR (direction = 'upgrade' AND outcome IN ('applied', 'resolved-applied'))"
                     + " ORDER BY 2")) {
            while (rs.next()) {
                String kind = rs.getString("kind");
                if (kind.equals("row")) {
                    rows.add(rs.getString("revision"));
                } else if (kind.equals(HistoryOutcome.PENDING.code())) {
                    pending = Optional.of(new PendingStep(rs.getLong("id"), rs.getString("revision"),
                            rs.getString("direction"), rs.getTimestamp("started_at").toInstant(), rs.getString("agent")));
                } else {
                    checksums.put(rs.getString("revision"), rs.getString("checksum"));
                }
            }
        }
        return new TenantSnapshot(rows, pending, checksums);
    }

    /**
     * One statement that sets the step's timeouts and search path for the transaction
     * ({@code set_config(..., true)} is {@code SET LOCAL}) and then takes the tenant's
     * transaction-scoped advisory lock. Timeouts first, so that the statement timeout
     * bounds the wait for the lock.
     */
    public String beginStepSql(long lockTimeoutMillis, long statementTimeoutMillis) {
        // Try, never wait, for the lock: a transaction waiting inside PostgreSQL would hold
        // up every CREATE INDEX CONCURRENTLY in the database (it waits for all older
        // transactions) while that index's own agent holds the lock: a deadlock. When the
        // lock is taken, this fails with LOCK_BUSY (which the caller retries after a pause)
        // and the step's SQL behind it in the same round trip never runs. The concatenation
        // with pg_backend_pid() keeps the planner from evaluating the failing cast up front.
        return "SELECT set_config('lock_timeout', '" + lockTimeoutMillis + "', true),"
                + " set_config('statement_timeout', '" + statementTimeoutMillis + "', true),"
                + " set_config('search_path', '" + tenant.quotedSchema() + "', true),"
                + " CASE WHEN pg_try_advisory_xact_lock(" + LOCK_NAMESPACE + ", hashtext('" + tenant.schema() + "'))"
                + " THEN 0 ELSE ('" + LOCK_BUSY + " ' || pg_backend_pid())::int END";
    }

    /** Marks the error {@link #beginStepSql} raises when another agent holds the tenant's lock. */
    public static final String LOCK_BUSY = "schemafleet: tenant lock busy";

    /** True for the error {@link #beginStepSql} raises when the lock is taken. */
    public static boolean isLockBusy(SQLException e) {
        return "22P02".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains(LOCK_BUSY);
    }

    /**
     * Checks a step's preconditions and does its bookkeeping in one prepared statement
     * (the same text for every tenant, so the server parses it once per connection; the
     * transaction's search path, set by {@link #beginStepSql}, points it at this tenant's
     * tables). Returns, from before the changes: the version rows sorted and comma-joined
     * and whether a step is pending; then how many rows the inserts, deletes, updates and
     * the history insert touched. The caller rolls back unless all is as planned.
     */
    public BookkeepingResult bookkeep(Connection c, List<VersionTableChange> changes, HistoryRow row)
            throws SQLException {
        List<String> inserts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        List<String> from = new ArrayList<>();
        List<String> to = new ArrayList<>();
        for (VersionTableChange change : changes) {
            if (change instanceof VersionTableChange.Insert i) {
                inserts.add(i.version());
            } else if (change instanceof VersionTableChange.Delete d) {
                deletes.add(d.version());
            } else {
                VersionTableChange.Update u = (VersionTableChange.Update) change;
                from.add(u.from());
                to.add(u.to());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(bookkeepingSql)) {
            // Ids never contain commas (they are [A-Za-z0-9_]), so a joined list is unambiguous.
            ps.setString(1, String.join(",", inserts));
            ps.setString(2, String.join(",", deletes));
            ps.setString(3, String.join(",", from));
            ps.setString(4, String.join(",", to));
            ps.setString(5, row.revision());
            ps.setString(6, row.direction());
            ps.setString(7, row.checksum());
            ps.setTimestamp(8, Timestamp.from(row.startedAt()));
            ps.setTimestamp(9, Timestamp.from(row.startedAt()));
            ps.setString(10, row.agent());
            ps.setString(11, row.outcome().code());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String rows = rs.getString(1);
                return new BookkeepingResult(rows.isEmpty() ? List.of() : List.of(rows.split(",")), rs.getLong(2) > 0,
                        rs.getInt(3) == inserts.size() && rs.getInt(4) == deletes.size() && rs.getInt(5) == from.size()
                                && rs.getInt(6) == 1);
            }
        }
    }

    /** What {@link #bookkeep} found: the rows before, a pending step, and whether every change hit one row. */
    public record BookkeepingResult(List<String> rowsBefore, boolean pending, boolean changesApplied) {
    }

    private static String bookkeepingSql(String versionTable, String historyTable) {
        return "WITH pre AS (SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '') AS r FROM " + versionTable + "),"
                + " pend AS (SELECT count(*) AS n FROM (SELECT 1 FROM " + historyTable + " WHERE outcome = 'pending' LIMIT 1) p),"
                + " ins AS (INSERT INTO " + versionTable + " (version_num) SELECT unnest(string_to_array(NULLIF(?, ''), ',')) RETURNING 1),"
                + " del AS (DELETE FROM " + versionTable + " WHERE version_num = ANY (string_to_array(NULLIF(?, ''), ',')) RETURNING 1),"
                + " upd AS (UPDATE " + versionTable + " v SET version_num = m.t FROM unnest(string_to_array(NULLIF(?, ''), ','),"
                + " string_to_array(NULLIF(?, ''), ',')) AS m (f, t)"
                + " WHERE v.version_num = m.f RETURNING 1),"
                + " h AS (INSERT INTO " + historyTable
                + " (revision, direction, checksum, started_at, finished_at, duration_ms, agent, outcome)"
                + " VALUES (?, ?, ?, ?, clock_timestamp(), (EXTRACT(EPOCH FROM clock_timestamp() - ?::timestamptz) * 1000)::bigint,"
                + " ?, ?) RETURNING 1)"
                + " SELECT (SELECT r FROM pre), (SELECT n FROM pend), (SELECT count(*) FROM ins), (SELECT count(*) FROM del),"
                + " (SELECT count(*) FROM upd), (SELECT count(*) FROM h)";
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
