package io.schemafleet.agent.store;

import java.time.Duration;
import java.time.Instant;

/**
 * One row of {@code schemafleet_history}. {@code finishedAt} is null while pending;
 * {@code id} is null for a row not written yet.
 */
public record HistoryRow(String revision, String direction, String checksum, Instant startedAt, Instant finishedAt,
                         String agent, HistoryOutcome outcome, String sqlState, String error, Long id) {
    /** A row to write: the table gives it its id. */
    public HistoryRow(String revision, String direction, String checksum, Instant startedAt, Instant finishedAt,
                      String agent, HistoryOutcome outcome, String sqlState, String error) {
        this(revision, direction, checksum, startedAt, finishedAt, agent, outcome, sqlState, error, null);
    }

    /** How long the step took, in milliseconds (0 while pending). */
    public long durationMillis() {
        return finishedAt == null ? 0 : Duration.between(startedAt, finishedAt).toMillis();
    }

    /** The row's lasting name; only for a row read back from the table. */
    public HistoryKey key() {
        if (id == null) {
            throw new IllegalStateException("a history row not written yet has no key: " + this);
        }
        return new HistoryKey(id, startedAt);
    }
}
