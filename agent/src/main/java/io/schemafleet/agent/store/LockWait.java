package io.schemafleet.agent.store;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Paces retries for a tenant lock held by someone else: short pauses growing to half a
 * second, and a clear, transient error (SQLSTATE 55P03, lock not available) after the
 * deadline. The agent polls rather than waiting inside PostgreSQL (see
 * {@link TenantStore#beginStepSql}).
 */
public final class LockWait {
    private final long deadline;
    private long pauseMillis = 10;

    public LockWait(Duration limit) {
        this.deadline = System.nanoTime() + limit.toNanos();
    }

    /** Waits a little before the next try; throws once the deadline has passed. */
    public void pause() throws SQLException {
        if (System.nanoTime() > deadline) {
            throw new SQLException("the tenant's lock stayed taken by another agent; will try again later", "55P03");
        }
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the tenant's lock", "57014");
        }
        pauseMillis = Math.min(500, pauseMillis * 2);
    }
}
