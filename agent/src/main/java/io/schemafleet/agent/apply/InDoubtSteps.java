package io.schemafleet.agent.apply;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Steps whose connection broke while they ran, so that whether they committed is unknown:
 * PostgreSQL may have committed the step and lost only its reply (a restart, a dropped
 * network). The reconciler looks such a step up at the tenant's next read and, if it did
 * commit, reports it then; otherwise every applied step would still be applied once, but
 * one of them would never be reported. The agent keeps one of these across its passes, so
 * a tenant whose retries ran out while its database was down is settled in a later pass.
 */
public final class InDoubtSteps {
    /** A step that may have committed, with the tenant's version rows if it did. */
    record Step(String revision, String direction, List<String> rowsAfter) {
    }

    private final Map<String, Step> byTenant = new ConcurrentHashMap<>();

    void add(String tenant, Step step) {
        byTenant.put(tenant, step);
    }

    Optional<Step> get(String tenant) {
        return Optional.ofNullable(byTenant.get(tenant));
    }

    /** The step was looked up: whether it committed is known now. */
    void settled(String tenant, Step step) {
        byTenant.remove(tenant, step);
    }
}
