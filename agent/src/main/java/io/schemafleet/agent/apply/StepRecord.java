package io.schemafleet.agent.apply;

import io.schemafleet.agent.store.HistoryKey;

/**
 * A step the agent ran: which, which way, how long it took, and which row of the tenant's
 * history table records it (null only where no row was read back).
 */
public record StepRecord(String revision, String direction, long durationMillis, HistoryKey row) {
}
