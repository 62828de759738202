package io.schemafleet.agent.apply;

import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.tenant.Identifiers;

import java.time.Duration;
import java.util.Objects;

/**
 * How the agent applies steps.
 *
 * @param agentId          recorded in history rows (who ran the step)
 * @param layout           the version table to use
 * @param lockTimeout      PostgreSQL {@code lock_timeout} for each step's SQL
 * @param statementTimeout PostgreSQL {@code statement_timeout} for each step's SQL
 * @param maxAttempts      tries per tenant for transient failures (connection lost,
 *                         serialization failure, lock timeout) before it is failed
 * @param initialBackoff   wait before the second try; doubles each time
 * @param maxBackoff       the longest wait between tries
 */
public record ApplyOptions(String agentId, VersionLayout layout, Duration lockTimeout, Duration statementTimeout,
                           int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public ApplyOptions {
        Objects.requireNonNull(agentId, "agentId");
        if (agentId.isBlank() || agentId.length() > 200) {
            throw new IllegalArgumentException("agent id must be 1 to 200 characters");
        }
        Objects.requireNonNull(layout, "layout");
        requirePositive(lockTimeout, "lock timeout");
        requirePositive(statementTimeout, "statement timeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be non-negative and the maximum at least the initial");
        }
    }

    /** Safe defaults: 5 s lock timeout, 15 min statement timeout, 5 tries from 200 ms up to 10 s. */
    public static ApplyOptions defaults(String agentId) {
        return new ApplyOptions(agentId, VersionLayout.SCHEMAFLEET, Duration.ofSeconds(5), Duration.ofMinutes(15),
                5, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public ApplyOptions withLayout(VersionLayout newLayout) {
        return new ApplyOptions(agentId, newLayout, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    public ApplyOptions withRetries(int attempts, Duration initial, Duration max) {
        return new ApplyOptions(agentId, layout, lockTimeout, statementTimeout, attempts, initial, max);
    }

    public ApplyOptions withTimeouts(Duration lock, Duration statement) {
        return new ApplyOptions(agentId, layout, lock, statement, maxAttempts, initialBackoff, maxBackoff);
    }

    /**
     * How long the agent waits on a silent connection before giving it up: the statement
     * timeout, within which the server ends each statement of a step, plus as much again up
     * to a minute for the answer to come back (a COMMIT's flush, a cancel). Without such a
     * bound a connection cut off by a network partition (no reset, no reply) would hold its
     * tenant forever; with it the step is in doubt, and settled once nobody holds the
     * tenant's lock, so also when the server was still running it (a step of several long
     * statements can outlast this; {@code InDoubtSteps}).
     */
    public Duration readTimeout() {
        Duration margin = statementTimeout.compareTo(Duration.ofMinutes(1)) < 0 ? statementTimeout : Duration.ofMinutes(1);
        return statementTimeout.plus(margin);
    }

    /** The wait before try number {@code attempt} (2 = first retry). */
    public Duration backoff(int attempt) {
        long max = maxBackoff.toMillis();
        long ms = initialBackoff.toMillis();
        for (int i = 2; i < attempt && ms < max; i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max));
    }

    /** {@code SET ...} statements for the step's timeouts and search path. */
    String sessionSettings(String scope, String schema) {
        return "SET " + scope + " lock_timeout = " + lockTimeout.toMillis()
                + "; SET " + scope + " statement_timeout = " + statementTimeout.toMillis()
                + "; SET " + scope + " search_path TO " + Identifiers.quote(schema);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
