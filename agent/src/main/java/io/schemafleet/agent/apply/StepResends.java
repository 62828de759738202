package io.schemafleet.agent.apply;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants whose recent steps the coordinator may not have heard of, so that their next
 * report sends them again, read from the tenant's own history table. An agent that starts
 * does not know what the one before it reported (it may have been killed with steps not
 * reported yet), and a report the broker did not take may be dropped for a newer one
 * ({@code ReportOutbox}) with its steps. Steps name their history rows, and the coordinator
 * counts each row once, so sending one again is harmless; leaving it out is not.
 *
 * <p>Thread-safe: the reconciling threads take, the producer's callbacks owe.
 */
public final class StepResends {
    /** How far back a resend looks, by the tenant server's clock. */
    public static final Duration WINDOW = Duration.ofHours(24);
    /** At most this many of a tenant's newest steps are sent again. */
    public static final int LIMIT = 100;

    private final boolean enabled;
    /** Tenants that owe nothing (their recent steps were sent again, or never went missing). */
    private final Set<String> clear = ConcurrentHashMap.newKeySet();

    private StepResends(boolean enabled) {
        this.enabled = enabled;
    }

    /** Every tenant owes its recent steps until its first visit: for an agent that reports. */
    public static StepResends fromStart() {
        return new StepResends(true);
    }

    /** Nothing is ever sent again: for a run that does not report to a coordinator. */
    public static StepResends none() {
        return new StepResends(false);
    }

    /** Whether the tenant's recent steps are to be sent now; from then on it owes nothing. */
    boolean take(String tenant) {
        return enabled && clear.add(tenant);
    }

    /** A report of the tenant may be lost: its next visit sends its recent steps again. */
    public void owe(String tenant) {
        clear.remove(tenant);
    }
}
