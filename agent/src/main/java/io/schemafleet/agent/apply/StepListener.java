package io.schemafleet.agent.apply;

import io.schemafleet.agent.tenant.Tenant;

import java.util.List;

/** Hears about every step as soon as it is committed (the agent reports it right away). */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (tenant, destination, step, headsAfter) -> { };

    void stepApplied(Tenant tenant, String destination, StepRecord step, List<String> headsAfter);
}
