package io.schemafleet.coordinator.projection;

import io.schemafleet.protocol.event.TenantReport;

/**
 * Hears about every step an agent reported committing, once per step, after the
 * projection has committed the report (metrics: step durations by revision). Called on
 * the projection's thread: keep it quick.
 */
@FunctionalInterface
public interface StepObserver {
    void stepApplied(TenantReport.Step step);
}
