package io.schemafleet.agent.apply;

import io.schemafleet.protocol.fleet.TenantState;

import java.util.List;

/**
 * What reconciling one tenant came to: the record the agent reports.
 *
 * @param tenant         tenant id
 * @param heads          the version-table rows now, sorted
 * @param state          converged, failed, blocked, dirty or unreachable
 * @param destination    the destination it was brought toward
 * @param steps          the steps this run applied, in order
 * @param resent         steps applied before this run, read from the tenant's history to be reported
 *                       again ({@link StepResends}), oldest first; not this run's
 * @param error          why it is not converged (null when it is)
 * @param fingerprint    SHA-256 of the tenant's normalized schema (null if not computed)
 * @param attempts       how many tries it took
 * @param durationMillis wall time of the whole reconcile
 */
public record TenantResult(String tenant, List<String> heads, TenantState state, String destination,
                           List<StepRecord> steps, List<StepRecord> resent, TenantError error, String fingerprint,
                           int attempts, long durationMillis) {
    public TenantResult {
        heads = List.copyOf(heads);
        steps = List.copyOf(steps);
        resent = List.copyOf(resent);
    }

    public boolean converged() {
        return state == TenantState.CONVERGED;
    }
}
