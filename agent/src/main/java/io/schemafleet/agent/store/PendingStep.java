package io.schemafleet.agent.store;

import java.time.Instant;

/**
 * A non-transactional step that started and never finished: the tenant is dirty.
 *
 * @param sqlState how its SQL failed partway, if it did (its earlier statements took effect); null
 *                 if it was interrupted
 * @param error    the failure's message, likewise
 */
public record PendingStep(long historyId, String revision, String direction, Instant startedAt, String agent,
                          String sqlState, String error) {
    /** Whether its SQL failed partway (rather than being interrupted): then nobody is still running it. */
    public boolean failedPartway() {
        return sqlState != null || error != null;
    }

    /** What happened to the step, for messages: "failed partway (55P03: …)" or "did not finish". */
    public String what() {
        return failedPartway() ? "failed partway (" + (sqlState == null ? "" : sqlState + ": ") + error + ")"
                : "did not finish";
    }
}
