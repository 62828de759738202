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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.schemafleet.agent.db.SqlText.literal;

/**
 * Schemafleet's bookkeeping inside one tenant: the version table (one row per applied
 * head, exactly like {@code alembic_version}) and the history table. Every name that
 * reaches SQL is a validated, quoted identifier; every value is a bind parameter or, in a
 * step's script, an escape-string literal ({@link io.schemafleet.agent.db.SqlText#literal}).
 */
public final class TenantStore {
    /** Namespace of Schemafleet's advisory locks, so they never collide with an application's. */
    public static final int LOCK_NAMESPACE = 0x5CF1EE7;
    /** How long the agent polls for a tenant's lock another session holds before giving up (55P03). */
    private static final Duration LOCK_WAIT = Duration.ofMinutes(15);

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
            st.execute(createTablesSql(c));
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * The tenant's schema and Schemafleet's two tables. Their creation is most of what the
     * agent adds to a new tenant's first step (a relation costs as much to create as a small
     * migration's table), so the history table is one relation, not five: its {@code id} is
     * assigned by the agent ({@link #nextHistoryId}) rather than by a sequence with a primary
     * key index, and on PostgreSQL 16 and later every text column is stored {@code PLAIN}, so
     * no TOAST table and index come with it (errors are cut to {@link #MAX_ERROR_CHARS} to
     * keep a row within a page). {@code REPLICA IDENTITY FULL} keeps it updatable in a
     * database that publishes updates for logical replication.
     */
    private String createTablesSql(Connection c) throws SQLException {
        String plain = c.getMetaData().getDatabaseMajorVersion() >= 16 ? " STORAGE PLAIN" : "";
        return "CREATE SCHEMA IF NOT EXISTS " + tenant.quotedSchema() + ";\n"
                + "CREATE TABLE IF NOT EXISTS " + versionTable
                + " (version_num varchar(64) NOT NULL, CONSTRAINT "
                + quote(pkName()) + " PRIMARY KEY (version_num));\n"
                + "CREATE TABLE IF NOT EXISTS " + historyTable + " ("
                + "id bigint NOT NULL, "
                + "revision varchar(64)" + plain + " NOT NULL, "
                + "direction varchar(9)" + plain + " NOT NULL, "
                + "checksum char(64)" + plain + " NOT NULL, "
                + "started_at timestamptz NOT NULL, "
                + "finished_at timestamptz, "
                + "duration_ms bigint, "
                + "agent varchar(200)" + plain + " NOT NULL, "
                + "outcome varchar(24)" + plain + " NOT NULL, "
                + "sqlstate varchar(5)" + plain + ", "
                + "error text" + plain + ");\n"
                + "ALTER TABLE " + historyTable + " REPLICA IDENTITY FULL";
    }

    /** Errors are kept to this many characters in the history table (the report carries them whole). */
    public static final int MAX_ERROR_CHARS = 1_000;

    private static String bounded(String error) {
        return error == null || error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }

    /**
     * The next history row's id: one more than the largest. Every insert but a failure's
     * runs under the tenant's lock; two failures recorded at the same moment may share an
     * id, which only orders them by {@code started_at} instead.
     */
    private String nextHistoryId() {
        return "(SELECT coalesce(max(id), 0) + 1 FROM " + historyTable + ")";
    }

    private String pkName() {
        String table = versionTable.substring(versionTable.lastIndexOf('.') + 2, versionTable.length() - 1);
        return table.length() > 58 ? table.substring(0, 58) + "_pkc" : table + "_pkc";
    }

    /**
     * Takes the tenant's transaction-scoped advisory lock (released at commit or
     * rollback). Must be the first thing the transaction does: while the lock is taken
     * the transaction is rolled back and the lock tried again after a pause, so that no
     * transaction of ours ever waits inside PostgreSQL (see {@link #stepScript}).
     */
    public void lockTransaction(Connection c) throws SQLException {
        LockWait wait = new LockWait(LOCK_WAIT);
        while (!tryLock(c, "pg_try_advisory_xact_lock")) {
            c.rollback();
            wait.pause();
        }
    }

    /** Takes the tenant's session-scoped advisory lock, for non-transactional steps; polls likewise. */
    public void lockSession(Connection c) throws SQLException {
        lockSession(c, LOCK_WAIT);
    }

    private void lockSession(Connection c, Duration limit) throws SQLException {
        LockWait wait = new LockWait(limit);
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
        awaitUnlocked(c, LOCK_WAIT);
    }

    /** Whether another session holds the tenant's lock now (an agent is at work on it); holds nothing after. */
    public boolean lockedElsewhere(Connection c) throws SQLException {
        if (!tryLock(c, "pg_try_advisory_lock")) {
            return true;
        }
        unlockSession(c);
        return false;
    }

    /** {@link #awaitUnlocked(Connection)}, giving up (55P03) after {@code limit}. */
    public void awaitUnlocked(Connection c, Duration limit) throws SQLException {
        lockSession(c, limit);
        unlockSession(c);
    }

    /** The version rows, pending marker and applied checksums, in one round trip. */
    public TenantSnapshot snapshot(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        Optional<PendingStep> pending = Optional.empty();
        Map<String, String> checksums = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 'row' AS kind, 0::bigint AS id, version_num AS revision, NULL::text AS direction,"
                     + " NULL::timestamptz AS started_at, NULL::text AS agent, NULL::text AS checksum,"
                     + " NULL::text AS sqlstate, NULL::text AS error FROM " + versionTable
                     + " UNION ALL SELECT outcome, id, revision, direction, started_at, agent, checksum, sqlstate, error FROM "
                     + historyTable
                     + " WHERE outcome = 'pending' OR (direction = 'upgrade' AND outcome IN ('applied', 'resolved-applied'))"
                     + " ORDER BY 2")) {
            while (rs.next()) {
                String kind = rs.getString("kind");
                if (kind.equals("row")) {
                    rows.add(rs.getString("revision"));
                } else if (kind.equals(HistoryOutcome.PENDING.code())) {
                    pending = Optional.of(pendingStep(rs));
                } else {
                    checksums.put(rs.getString("revision"), rs.getString("checksum"));
                }
            }
        }
        return new TenantSnapshot(rows, pending, checksums);
    }

    /**
     * A whole transactional step as one script, sent in one round trip: the driver opens the
     * transaction ahead of it and the script's last statement commits, so PostgreSQL runs it
     * all or, at the first error, nothing (the caller then rolls back). In order:
     * <ol>
     * <li>the step's timeouts and search path for this transaction ({@code set_config(..., true)}
     * is {@code SET LOCAL}), generic plans for the bookkeeping statements, then the tenant's
     * transaction-scoped advisory lock, tried, never waited for ({@link StepRefusal#LOCK_BUSY}
     * when taken);</li>
     * <li>on a tenant's first step, its schema and Schemafleet's tables;</li>
     * <li>unless the connection holds them for this tenant already, the bookkeeping statements
     * the rest of the script executes, prepared ({@link PreparedBookkeeping});</li>
     * <li>a check that no step is pending ({@link StepRefusal#DIRTY}) and that the version rows are
     * those the plan started from ({@link StepRefusal#ROWS_CHANGED}), so the step's SQL never runs
     * on a tenant another agent moved;</li>
     * <li>the step's SQL, under the database's own {@code plan_cache_mode};</li>
     * <li>the version-table changes;</li>
     * <li>the history row, whose outcome checks that the version rows are now exactly the planned
     * ones ({@link StepRefusal#BOOKKEEPING} if the step's SQL touched them, say), then {@code COMMIT}.</li>
     * </ol>
     * Why try and never wait for the lock: a transaction waiting inside PostgreSQL would hold up
     * every {@code CREATE INDEX CONCURRENTLY} in the database (it waits for all older
     * transactions) while that index's own agent holds the lock: a deadlock.
     * <p>Why generic plans: the bookkeeping statements take parameters, so PostgreSQL would plan
     * each of them afresh for its first five executions on a tenant and then once more, six
     * plans a tenant where one does; planning was half of their server time.
     */
    public String stepScript(Connection c, StepScript step) throws SQLException {
        List<String> after = VersionTableChange.applyAll(step.rowsBefore(), step.changes());
        StringBuilder sql = new StringBuilder()
                .append("SELECT set_config('lock_timeout', '").append(step.lockTimeoutMillis()).append("', true),")
                .append(" set_config('statement_timeout', '").append(step.statementTimeoutMillis()).append("', true),")
                .append(" set_config('search_path', '").append(tenant.quotedSchema()).append("', true),")
                .append(" set_config('plan_cache_mode', 'force_generic_plan', true),")
                .append(" CASE WHEN pg_try_advisory_xact_lock(").append(LOCK_NAMESPACE).append(", hashtext('")
                .append(tenant.schema()).append("')) THEN 0 ELSE ").append(StepRefusal.LOCK_BUSY.raise()).append(" END;\n");
        if (step.createTables()) {
            sql.append(createTablesSql(c)).append(";\n");
        }
        sql.append(PreparedBookkeeping.HELD.ensure(c, bookkeepingKey(), prepareBookkeeping()));
        sql.append("EXECUTE ").append(PreparedBookkeeping.CHECK).append('(').append(literal(bookkeepingKey()))
                .append(", ").append(literal(rowsKey(step.rowsBefore()))).append(");\n");
        String body = step.sql().strip();
        if (!body.isEmpty()) {
            // The revision's own prepared statements and PL/pgSQL plan as the database says.
            // The newline ends a trailing "--" comment in the SQL.
            sql.append("SET LOCAL plan_cache_mode TO DEFAULT;\n").append(body).append("\n;\n")
                    .append("SET LOCAL plan_cache_mode = force_generic_plan;\n");
        }
        for (VersionTableChange change : step.changes()) {
            if (change instanceof VersionTableChange.Insert i) {
                sql.append("EXECUTE ").append(PreparedBookkeeping.INSERT_ROW).append('(')
                        .append(literal(i.version())).append(");\n");
            } else if (change instanceof VersionTableChange.Delete d) {
                sql.append("EXECUTE ").append(PreparedBookkeeping.DELETE_ROW).append('(')
                        .append(literal(d.version())).append(");\n");
            } else {
                VersionTableChange.Update u = (VersionTableChange.Update) change;
                sql.append("EXECUTE ").append(PreparedBookkeeping.UPDATE_ROW).append('(').append(literal(u.to()))
                        .append(", ").append(literal(u.from())).append(");\n");
            }
        }
        HistoryRow row = step.history();
        sql.append("EXECUTE ").append(PreparedBookkeeping.HISTORY).append('(').append(literal(row.revision()))
                .append(", ").append(literal(row.direction())).append(", ").append(literal(row.checksum()))
                .append(", ").append(literal(row.agent())).append(", ").append(literal(rowsKey(after)))
                .append(", ").append(literal(row.outcome().code())).append(");\n");
        return sql.append("COMMIT").toString();
    }

    /**
     * The step script's bookkeeping statements for this tenant's tables ({@link PreparedBookkeeping}):
     * the check that no step is pending and the rows are those the plan started from; the
     * version-table changes; and the history row, whose outcome carries the last check (it
     * sees the changes above, and one statement fewer is one fewer to run on every step).
     */
    private String prepareBookkeeping() {
        return "PREPARE " + PreparedBookkeeping.CHECK + "(text, text) AS SELECT CASE WHEN $1 <> "
                + literal(bookkeepingKey()) + " THEN " + StepRefusal.STALE_STATEMENTS.raise()
                + " WHEN EXISTS (SELECT 1 FROM " + historyTable + " WHERE outcome = 'pending') THEN "
                + StepRefusal.DIRTY.raise() + " WHEN " + rowsText() + " <> $2 THEN " + StepRefusal.ROWS_CHANGED.raise()
                + " ELSE 0 END;\n"
                + "PREPARE " + PreparedBookkeeping.INSERT_ROW + "(text) AS INSERT INTO " + versionTable
                + " (version_num) VALUES ($1);\n"
                + "PREPARE " + PreparedBookkeeping.DELETE_ROW + "(text) AS DELETE FROM " + versionTable
                + " WHERE version_num = $1;\n"
                + "PREPARE " + PreparedBookkeeping.UPDATE_ROW + "(text, text) AS UPDATE " + versionTable
                + " SET version_num = $1 WHERE version_num = $2;\n"
                + "PREPARE " + PreparedBookkeeping.HISTORY + "(text, text, text, text, text, text) AS INSERT INTO "
                + historyTable + " (id, revision, direction, checksum, started_at, finished_at, duration_ms, agent,"
                + " outcome) VALUES (" + nextHistoryId() + ", $1, $2, $3, now(), clock_timestamp(),"
                + " (EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000)::bigint, $4, CASE WHEN " + rowsText()
                + " <> $5 THEN " + StepRefusal.BOOKKEEPING.raise() + "::text ELSE $6 END)"
                + " RETURNING id AS " + HISTORY_ID_COLUMN + ", started_at;\n";
    }

    /**
     * The label of the step script's last result: its history row's id, then its
     * {@code started_at} ({@link #appliedRow}).
     */
    private static final String HISTORY_ID_COLUMN = "schemafleet_history_id";

    /**
     * The step's history row, if {@code rs} is the result of a step script's history statement
     * (the script's last result before its COMMIT; the revision's own SQL may return results too).
     */
    public static Optional<HistoryKey> appliedRow(ResultSet rs) throws SQLException {
        if (rs.getMetaData().getColumnCount() != 2 || !HISTORY_ID_COLUMN.equals(rs.getMetaData().getColumnLabel(1))
                || !rs.next()) {
            return Optional.empty();
        }
        return Optional.of(new HistoryKey(rs.getLong(1), rs.getTimestamp(2).toInstant()));
    }

    /**
     * The tables the bookkeeping statements name. The check takes it as an argument and
     * compares it with the one it was prepared with, so a connection whose statements are
     * another tenant's refuses ({@link StepRefusal#STALE_STATEMENTS}) instead of writing there,
     * whatever {@link PreparedBookkeeping} believes.
     */
    private String bookkeepingKey() {
        return versionTable + " " + historyTable;
    }

    /**
     * A step script did not run to its end on {@code c}: what bookkeeping statements the
     * connection holds is read back before its next script.
     */
    public void forgetPrepared(Connection c) {
        PreparedBookkeeping.HELD.forget(c);
    }

    /** The version rows as one text, sorted bytewise (never by the database's collation), comma-joined. */
    private String rowsText() {
        return "(SELECT coalesce(string_agg(version_num::text, ',' ORDER BY version_num COLLATE \"C\"), '') FROM "
                + versionTable + ")";
    }

    /** What {@link #rowsText} reads for these rows. Ids are ASCII without commas, so Java's order is bytewise. */
    private static String rowsKey(List<String> rows) {
        return String.join(",", rows.stream().sorted().toList());
    }

    /** The interrupted non-transactional step, if there is one. */
    public Optional<PendingStep> pending(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, revision, direction, started_at, agent, sqlstate, error FROM "
                     + historyTable + " WHERE outcome = 'pending' ORDER BY id LIMIT 1")) {
            return rs.next() ? Optional.of(pendingStep(rs)) : Optional.empty();
        }
    }

    private static PendingStep pendingStep(ResultSet rs) throws SQLException {
        return new PendingStep(rs.getLong("id"), rs.getString("revision"), rs.getString("direction"),
                rs.getTimestamp("started_at").toInstant(), rs.getString("agent"), rs.getString("sqlstate"),
                rs.getString("error"));
    }

    /** Notes how a pending step's SQL failed partway; the row stays pending, the tenant dirty. */
    public void notePendingFailure(Connection c, long id, String sqlState, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + historyTable + " SET sqlstate = ?, error = ?"
                + " WHERE id = ? AND outcome = 'pending'")) {
            ps.setString(1, sqlState);
            ps.setString(2, bounded(error));
            ps.setLong(3, id);
            ps.executeUpdate();
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
                + " (id, revision, direction, checksum, started_at, finished_at, duration_ms, agent, outcome, sqlstate, error)"
                + " VALUES (" + nextHistoryId() + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
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
            ps.setString(10, bounded(row.error()));
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
                + " sqlstate = ?, error = ? WHERE id = ? AND outcome = 'pending'")) {
            Timestamp finished = Timestamp.from(finishedAt);
            ps.setString(1, outcome.code());
            ps.setTimestamp(2, finished);
            ps.setTimestamp(3, finished);
            ps.setString(4, sqlState);
            ps.setString(5, bounded(error));
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /** Every history row, oldest first (for operators and tests). */
    public List<HistoryRow> history(Connection c) throws SQLException {
        List<HistoryRow> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(HISTORY_COLUMNS + historyTable + " ORDER BY id, started_at")) {
            while (rs.next()) {
                out.add(historyRow(rs));
            }
        }
        return out;
    }

    /** The last history row written (the largest id), if there is one. */
    public Optional<HistoryRow> newestHistory(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(HISTORY_COLUMNS + historyTable
                     + " ORDER BY id DESC, started_at DESC LIMIT 1")) {
            return rs.next() ? Optional.of(historyRow(rs)) : Optional.empty();
        }
    }

    /**
     * The steps applied here in the last {@code within} (by the server's clock, as the rows
     * were written), the newest {@code limit} of them, oldest first: what a report sends
     * again when the agent cannot know whether the coordinator heard of them.
     */
    public List<HistoryRow> recentlyApplied(Connection c, Duration within, int limit) throws SQLException {
        List<HistoryRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(HISTORY_COLUMNS + historyTable
                + " WHERE outcome = 'applied' AND finished_at > now() - ? * interval '1 millisecond'"
                + " ORDER BY id DESC, started_at DESC LIMIT ?")) {
            ps.setLong(1, within.toMillis());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(historyRow(rs));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    private static final String HISTORY_COLUMNS = "SELECT id, revision, direction, checksum, started_at, finished_at,"
            + " agent, outcome, sqlstate, error FROM ";

    private static HistoryRow historyRow(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new HistoryRow(rs.getString("revision"), rs.getString("direction"), rs.getString("checksum"),
                rs.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant(),
                rs.getString("agent"), outcomeOf(rs.getString("outcome")), rs.getString("sqlstate"),
                rs.getString("error"), rs.getLong("id"));
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
