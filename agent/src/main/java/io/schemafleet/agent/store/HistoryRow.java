package io.schemafleet.agent.store;

import java.time.Instant;

/** One row of {@code schemafleet_history}. {@code finishedAt} is null while pending. */
public record HistoryRow(String revision, String direction, String checksum, Instant startedAt, Instant finishedAt,
                         String agent, HistoryOutcome outcome, String sqlState, String error) {
}
