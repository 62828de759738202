package io.schemafleet.protocol.metrics;

import java.time.Duration;
import java.util.List;

/**
 * What the coordinator's and the agents' metrics must agree on so that they can be
 * compared and summed: the step histograms' buckets and the SQLSTATE class label.
 */
public final class MetricConventions {
    /** Upper bounds of the step duration histograms, ascending: DDL runs from milliseconds to many minutes. */
    public static final List<Duration> STEP_BUCKETS = List.of(Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15));

    private MetricConventions() {
    }

    /** The bounds as an array, as Micrometer's {@code serviceLevelObjectives} takes them. */
    public static Duration[] stepBuckets() {
        return STEP_BUCKETS.toArray(Duration[]::new);
    }

    /** The SQLSTATE class (its first two characters) a metric is labelled with; {@code none} without one. */
    public static String sqlstateClass(String sqlstate) {
        return sqlstate == null || sqlstate.length() < 2 ? "none" : sqlstate.substring(0, 2);
    }
}
