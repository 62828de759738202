package io.schemafleet.protocol.event;

import java.time.Duration;
import java.util.Map;

/**
 * One wave of a rollout: which tenants it admits and how carefully. Only {@code name} is
 * required. A tenant belongs to the first wave of a rollout that {@link #selects} it;
 * tenants no wave selects are never admitted (see docs/rollouts.md).
 *
 * <p>Wire fields: {@code name}, {@code labels} (object), {@code bucket_percent},
 * {@code soak} (ISO-8601 duration, e.g. {@code "PT10M"}), {@code max_failures},
 * {@code max_failures_percent}, {@code parallelism}; absent means null (or an empty map for labels).
 *
 * @param name          unique within the rollout ({@code [A-Za-z0-9._-]}, 1 to 128)
 * @param labels        the tenant must carry every one of these labels (empty: no label condition)
 * @param bucketPercent admits tenants whose stable hash bucket is below this percentage, 1 to 100;
 *                      null: no bucket condition
 * @param soak          how long to wait after the wave converges before the next one; null: no wait
 * @param maxFailures   failed tenants the wave tolerates before halting the rollout; null: no count limit
 * @param parallelism   tenants migrated at once per agent within the wave; null: the agent's default
 * @param maxFailuresPercent failed tenants tolerated as a percentage (0 to 100) of the wave's tenants,
 *                      rounded down; null: no percentage limit. With both limits the smaller one counts.
 */
public record Wave(String name, Map<String, String> labels, Integer bucketPercent, Duration soak,
                   Integer maxFailures, Integer parallelism, Integer maxFailuresPercent) {

    public Wave {
        Checks.matches(name, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "wave name");
        labels = Checks.labels(labels, "wave " + name + " label");
        if (bucketPercent != null && (bucketPercent < 1 || bucketPercent > 100)) {
            throw new InvalidEventException("wave " + name + " bucket_percent must be 1 to 100, got " + bucketPercent);
        }
        if (soak != null && soak.isNegative()) {
            throw new InvalidEventException("wave " + name + " soak must not be negative, got " + soak);
        }
        if (maxFailures != null) {
            Checks.atLeast(maxFailures, 0, "wave " + name + " max_failures");
        }
        if (parallelism != null) {
            Checks.atLeast(parallelism, 1, "wave " + name + " parallelism");
        }
        if (maxFailuresPercent != null && (maxFailuresPercent < 0 || maxFailuresPercent > 100)) {
            throw new InvalidEventException("wave " + name + " max_failures_percent must be 0 to 100, got "
                    + maxFailuresPercent);
        }
    }

    /** A wave without a percentage failure budget (the form before {@code max_failures_percent}). */
    public Wave(String name, Map<String, String> labels, Integer bucketPercent, Duration soak,
                Integer maxFailures, Integer parallelism) {
        this(name, labels, bucketPercent, soak, maxFailures, parallelism, null);
    }

    /**
     * Whether this wave's selector matches a tenant: it carries every label of the wave with
     * the same value, and its {@link io.schemafleet.protocol.fleet.Buckets bucket} is below
     * {@code bucket_percent} (when set).
     */
    public boolean selects(Map<String, String> tenantLabels, int bucket) {
        if (bucketPercent != null && bucket >= bucketPercent) {
            return false;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getValue().equals(tenantLabels.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Failed tenants this wave tolerates among {@code tenants}; {@link Integer#MAX_VALUE} without a limit. */
    public int failureBudget(int tenants) {
        int budget = Integer.MAX_VALUE;
        if (maxFailures != null) {
            budget = maxFailures;
        }
        if (maxFailuresPercent != null) {
            budget = Math.min(budget, (int) ((long) tenants * maxFailuresPercent / 100));
        }
        return budget;
    }

    /** A wave selecting tenants by labels only, with no other limits. */
    public static Wave byLabels(String name, Map<String, String> labels) {
        return new Wave(name, labels, null, null, null, null);
    }
}
