package io.schemafleet.agent.store;

import java.time.Instant;

/**
 * Names one row of a tenant's history table for good: its id and its {@code started_at}
 * as the table holds them (microseconds). Ids start over in a tenant whose tables were
 * dropped and made again; the pair does not repeat.
 */
public record HistoryKey(long id, Instant startedAt) {
}
