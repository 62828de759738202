package io.schemafleet.agent.store;

import java.time.Instant;

/** A non-transactional step that started and never finished: the tenant is dirty. */
public record PendingStep(long historyId, String revision, String direction, Instant startedAt, String agent) {
}
