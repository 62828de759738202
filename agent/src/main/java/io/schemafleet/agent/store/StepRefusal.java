package io.schemafleet.agent.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Why a step's script ({@link TenantStore#stepScript}) stopped before its end on its own
 * account rather than on an error of the step's SQL. Each check raises a marked error
 * (a failing cast of the marker to an integer, SQLSTATE 22P02), which rolls the whole
 * transaction back and which the caller tells apart from the step's own errors.
 */
public enum StepRefusal {
    /** Another agent holds the tenant's lock; nothing ran. */
    LOCK_BUSY("schemafleet: tenant lock busy"),
    /** A non-transactional step is pending on the tenant; nothing ran. */
    DIRTY("schemafleet: tenant has a pending step"),
    /** The version rows are not those the plan started from; nothing ran. */
    ROWS_CHANGED("schemafleet: version rows changed"),
    /** After the step the version rows were not the planned ones; all of it was rolled back. */
    BOOKKEEPING("schemafleet: version rows not as planned after the step"),
    /**
     * The connection's prepared bookkeeping statements are another tenant's
     * ({@link PreparedBookkeeping}); nothing ran. Prepare them again and retry.
     */
    STALE_STATEMENTS("schemafleet: prepared statements of another tenant");

    private final String marker;

    StepRefusal(String marker) {
        this.marker = marker;
    }

    /**
     * The SQL expression that raises this refusal. The concatenation with
     * {@code pg_backend_pid()} keeps the planner from evaluating the failing cast up front;
     * its explicit cast to {@code text} makes the operator {@code textcat}, not {@code
     * anytextcat}, a SQL function the planner would parse and inline on every plan (35 µs
     * of each step's first statement).
     */
    String raise() {
        return "('" + marker + " ' || pg_backend_pid()::text)::int";
    }

    /** The refusal {@code e} carries, if it is one. */
    public static Optional<StepRefusal> of(SQLException e) {
        if (!"22P02".equals(e.getSQLState()) || e.getMessage() == null) {
            return Optional.empty();
        }
        for (StepRefusal r : values()) {
            if (e.getMessage().contains(r.marker)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
