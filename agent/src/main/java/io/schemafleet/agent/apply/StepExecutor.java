package io.schemafleet.agent.apply;

import io.schemafleet.agent.store.HistoryKey;
import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.LockWait;
import io.schemafleet.agent.store.StepRefusal;
import io.schemafleet.agent.store.StepScript;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.Step;
import io.schemafleet.protocol.sql.SqlScript;
import io.schemafleet.protocol.sql.TransactionBlock;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;

/**
 * Runs one step on one tenant so that a crash leaves either the old or the new
 * version, never half. A transactional step is one transaction: take the tenant's
 * advisory lock, check the version rows are still those the plan started from, run
 * the SQL under {@code lock_timeout}/{@code statement_timeout}, move the version rows,
 * write history, commit. A non-transactional step runs behind a {@code pending}
 * history row that only a finished step clears, so an interruption leaves the tenant
 * visibly dirty.
 */
final class StepExecutor {
    private final ApplyOptions options;
    private final RevisionGraph graph;

    StepExecutor(ApplyOptions options, RevisionGraph graph) {
        this.options = options;
        this.graph = graph;
    }

    /**
     * @param createTables true on a tenant's first step: its tables do not exist yet, and are
     *                     created with the step (in its transaction, when it has one)
     */
    Attempt run(Connection c, Tenant tenant, TenantStore store, Step step, List<String> expectedRows,
                boolean createTables) throws StepFailedException, SQLException {
        return step.revision().transactional()
                ? runInTransaction(c, store, step, expectedRows, createTables)
                : runOutsideTransaction(c, tenant, store, step, expectedRows, createTables);
    }

    /**
     * One round trip (the floor, bare SQL in a transaction, takes three): the whole step is
     * one script ({@link TenantStore#stepScript}) that checks the rows under the tenant's lock
     * before the SQL runs and commits at its end. A check that fails rolls everything back
     * and says why: lock taken (pause, try again), rows moved or a step pending (re-plan).
     * A failure is only reported as the step's if the rows were as planned.
     */
    private Attempt runInTransaction(Connection c, TenantStore store, Step step, List<String> expectedRows,
                                     boolean createTables) throws StepFailedException, SQLException {
        c.setAutoCommit(false);
        Instant started = Instant.now();
        StepScript parts = new StepScript(options.lockTimeout().toMillis(), options.statementTimeout().toMillis(),
                createTables, expectedRows, step.sql(), step.versionChanges(),
                row(step, started, null, HistoryOutcome.APPLIED, null));
        String script = store.stepScript(c, parts);
        boolean preparedAgain = false;
        boolean ranToEnd = false;
        try (Statement st = c.createStatement()) {
            // The revision's SQL goes to PostgreSQL as written: no JDBC escapes ({fn ...}, {d ...})
            // rewritten by the driver, and one pass over the script fewer on every step.
            st.setEscapeProcessing(false);
            LockWait wait = new LockWait(options.statementTimeout());
            while (true) {
                try {
                    HistoryKey row = drain(st, st.execute(script));
                    ranToEnd = true;
                    return new Attempt(StepOutcome.APPLIED, row);
                } catch (SQLException e) {
                    StepRefusal refusal = StepRefusal.of(e).orElseThrow(() -> e);
                    c.rollback();
                    switch (refusal) {
                        case LOCK_BUSY -> wait.pause(); // outside any transaction, then again
                        case DIRTY -> {
                            return Attempt.notRun(StepOutcome.DIRTY);
                        }
                        case ROWS_CHANGED -> {
                            return Attempt.notRun(StepOutcome.ROWS_CHANGED);
                        }
                        case BOOKKEEPING -> throw new SQLException("version table bookkeeping did not touch exactly "
                                + "the planned rows: the version table is not what the plan assumed", "55000", e);
                        case STALE_STATEMENTS -> {
                            if (preparedAgain) {
                                throw new SQLException("the connection's prepared bookkeeping statements are still"
                                        + " another tenant's after preparing them again", "55000", e);
                            }
                            store.forgetPrepared(c);
                            script = store.stepScript(c, parts);
                            preparedAgain = true;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            SqlFailure failure = SqlFailure.classify(e);
            rollbackQuietly(c);
            StepOutcome moved = movedMeanwhile(c, store, expectedRows);
            if (moved != null) {
                return Attempt.notRun(moved);
            }
            recordFailure(c, store, step, started, failure, createTables);
            throw new StepFailedException(failure, e);
        } finally {
            if (!ranToEnd) {
                store.forgetPrepared(c);
            }
            resetQuietly(c);
        }
    }

    /**
     * Consumes every result of a multi-statement execute, so that errors in later statements
     * surface, and returns the step's history row the script read back (null if none did).
     * {@code resultSet}: whether the first result is a result set.
     */
    private static HistoryKey drain(Statement st, boolean resultSet) throws SQLException {
        HistoryKey row = null;
        for (boolean results = resultSet; results || st.getUpdateCount() != -1; results = st.getMoreResults()) {
            if (results) {
                try (ResultSet rs = st.getResultSet()) {
                    row = TenantStore.appliedRow(rs).orElse(row);
                }
            }
        }
        return row;
    }

    /**
     * After a failure: if the tenant is not where the plan expected (another agent moved
     * it, or a step is pending), the failure says nothing about this step; re-plan.
     */
    private static StepOutcome movedMeanwhile(Connection c, TenantStore store, List<String> expectedRows) {
        try {
            c.setAutoCommit(true);
            return preconditions(c, store, expectedRows);
        } catch (SQLException unreachable) {
            return null;
        }
    }

    /** The same version rows, in any order. */
    static boolean rowsMatch(List<String> rows, List<String> expected) {
        return rows.size() == expected.size() && new HashSet<>(rows).equals(new HashSet<>(expected));
    }

    private Attempt runOutsideTransaction(Connection c, Tenant tenant, TenantStore store, Step step,
                                          List<String> expectedRows, boolean createTables)
            throws StepFailedException, SQLException {
        c.setAutoCommit(true);
        // As the history table will hold it, so that the step's report names the row exactly.
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Long pendingId = null;
        try {
            if (createTables) {
                store.ensureTables(c);
            }
            try (Statement st = c.createStatement()) {
                st.execute(options.sessionSettings("SESSION", tenant.schema()));
            }
            store.lockSession(c);
            StepOutcome check = preconditions(c, store, expectedRows);
            if (check != null) {
                return Attempt.notRun(check);
            }
            pendingId = store.record(c, row(step, started, null, HistoryOutcome.PENDING, null));
            List<SqlScript.Statement> statements = SqlScript.statements(step.sql());
            int ran = 0;
            try (Statement st = c.createStatement()) {
                st.setEscapeProcessing(false);
                // One statement at a time: a multi-statement string runs as one implicit
                // transaction, where CREATE INDEX CONCURRENTLY is refused.
                for (SqlScript.Statement statement : statements) {
                    runOne(st, statement);
                    ran++;
                }
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.classify(e);
                if (failure.connectionLost()
                        || ran == 0 && !TransactionBlock.leavesWorkWhenItFails(statements.get(0))) {
                    throw e; // nothing of the step was kept, or nobody can tell now (below)
                }
                // Statements before this one are kept, and a failed concurrent build leaves an invalid
                // index: running the step again would trip over them. The tenant stays dirty, saying why.
                notePartial(c, store, pendingId, failure, ran, statements.size());
                return Attempt.notRun(StepOutcome.DIRTY);
            }
            c.setAutoCommit(false);
            store.apply(c, step.versionChanges());
            store.finish(c, pendingId, HistoryOutcome.APPLIED, Instant.now(), null, null);
            c.commit();
            return new Attempt(StepOutcome.APPLIED, new HistoryKey(pendingId, started));
        } catch (SQLException e) {
            SqlFailure failure = SqlFailure.classify(e);
            rollbackQuietly(c);
            if (pendingId != null) {
                closePending(c, store, pendingId, failure);
            }
            throw new StepFailedException(failure, e);
        } finally {
            try {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("RESET lock_timeout; RESET statement_timeout; RESET search_path");
                }
                store.unlockSession(c);
            } catch (SQLException ignored) {
                // The connection is gone; PostgreSQL released the session lock with it.
            }
        }
    }

    /**
     * Runs one statement of a non-transactional step. Concurrent index work waits out every
     * older transaction in the database, which is how it works, under a lock that blocks no
     * reads or writes of the table: it runs without {@code lock_timeout}, bounded by
     * {@code statement_timeout} only.
     */
    private void runOne(Statement st, SqlScript.Statement statement) throws SQLException {
        if (!TransactionBlock.concurrentIndexWork(statement)) {
            st.execute(statement.text());
            return;
        }
        st.execute("SET lock_timeout = 0");
        SQLException failed = null;
        try {
            st.execute(statement.text());
        } catch (SQLException e) {
            failed = e;
            throw e;
        } finally {
            try {
                st.execute("SET lock_timeout = " + options.lockTimeout().toMillis());
            } catch (SQLException e) {
                if (failed == null) {
                    throw e;
                }
                failed.addSuppressed(e); // the statement's own failure is the one to report
            }
        }
    }

    /** The pending row keeps saying the step did not finish, now with how it failed. Best effort. */
    private static void notePartial(Connection c, TenantStore store, long pendingId, SqlFailure failure, int ran,
                                    int statements) {
        try {
            store.notePendingFailure(c, pendingId, failure.sqlState(), "statement " + (ran + 1) + " of " + statements
                    + " failed" + (ran == 0 ? "" : ", after " + ran + " took effect") + ": " + failure.message());
        } catch (SQLException ignored) {
            // The row stays pending without the failure: the tenant is dirty all the same.
        }
    }

    /** How one attempt at a step ended and, once applied, the history row that records it. */
    record Attempt(StepOutcome outcome, HistoryKey row) {
        static Attempt notRun(StepOutcome why) {
            return new Attempt(why, null);
        }
    }

    /** Null when the step may run; otherwise why not. */
    private static StepOutcome preconditions(Connection c, TenantStore store, List<String> expectedRows)
            throws SQLException {
        if (store.pending(c).isPresent()) {
            return StepOutcome.DIRTY;
        }
        return rowsMatch(store.rows(c), expectedRows) ? null : StepOutcome.ROWS_CHANGED;
    }

    /**
     * The SQL failed before the version moved, so the tenant is clean: close the pending
     * row as failed. If even that fails, the row stays pending and the tenant reads as
     * dirty, which is the truth: nobody knows how far the SQL got.
     */
    private static void closePending(Connection c, TenantStore store, long id, SqlFailure failure) {
        try {
            c.setAutoCommit(true);
            store.finish(c, id, HistoryOutcome.FAILED, Instant.now(), failure.sqlState(), failure.message());
        } catch (SQLException ignored) {
            // Left pending on purpose; see above.
        }
    }

    private void recordFailure(Connection c, TenantStore store, Step step, Instant started, SqlFailure failure,
                               boolean createTables) {
        try {
            c.setAutoCommit(true);
            if (createTables) {
                store.ensureTables(c); // they were to come with the step, which was rolled back
            }
            store.record(c, row(step, started, Instant.now(), HistoryOutcome.FAILED, failure));
        } catch (SQLException ignored) {
            // The failure is still reported; history is best effort when the connection is gone.
        }
    }

    private HistoryRow row(Step step, Instant started, Instant finished, HistoryOutcome outcome, SqlFailure failure) {
        return new HistoryRow(step.revision().id(), step.direction().code(), graph.checksum(step.revision().id()), started,
                finished, options.agentId(), outcome, failure == null ? null : failure.sqlState(),
                failure == null ? null : failure.message());
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // Nothing more to undo on a broken connection.
        }
    }

    private static void resetQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // Broken connection: the pool discards it.
        }
    }
}
