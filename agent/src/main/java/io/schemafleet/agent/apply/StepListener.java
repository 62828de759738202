package io.schemafleet.agent.apply;

import io.schemafleet.agent.tenant.Tenant;

import java.util.List;

/** Hears about every step as soon as it is committed (the agent reports it right away). */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (tenant, destination, step, headsAfter) -> { };

    void stepApplied(Tenant tenant, String destination, StepRecord step, List<String> headsAfter);

    /**
     * A step that is not transactional is about to start, from {@code heads}: it may run for long
     * (an index built concurrently), so the agent says so before, not only once it is done.
     */
    default void longStepStarting(Tenant tenant, String destination, List<String> heads) {
    }
}
