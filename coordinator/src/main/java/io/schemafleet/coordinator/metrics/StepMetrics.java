package io.schemafleet.coordinator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.schemafleet.coordinator.projection.StepObserver;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.metrics.MetricConventions;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * {@code schemafleet_step_duration_seconds{revision,direction}}: every step agents report,
 * as the projection applies the reports. Counts since this coordinator started (a rebuild
 * from the log counts the log's steps again, as Prometheus counters may).
 */
@Singleton
@Requires(beans = MeterRegistry.class)
public class StepMetrics implements StepObserver {
    private final MeterRegistry registry;

    public StepMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void stepApplied(TenantReport.Step step) {
        Timer.builder("schemafleet.step.duration").description("Duration of the steps agents report")
                .tag("revision", step.revision()).tag("direction", step.direction().code())
                .serviceLevelObjectives(MetricConventions.stepBuckets()).register(registry)
                .record(Duration.ofMillis(step.durationMs()));
    }
}
