package io.schemafleet.protocol.event;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One wave of a rollout: which tenants it admits and how carefully. Only {@code name} is
 * required; waves are carried now and acted on by a later issue (wave admission).
 *
 * <p>Wire fields: {@code name}, {@code labels} (object), {@code bucket_percent},
 * {@code soak} (ISO-8601 duration, e.g. {@code "PT10M"}), {@code max_failures},
 * {@code parallelism}; absent means null (or an empty map for labels).
 *
 * @param name          unique within the rollout ({@code [A-Za-z0-9._-]}, 1 to 128)
 * @param labels        the tenant must carry every one of these labels (empty: no label condition)
 * @param bucketPercent admits tenants whose stable hash bucket is below this percentage, 1 to 100;
 *                      null: no bucket condition
 * @param soak          how long to wait after the wave converges before the next one; null: no wait
 * @param maxFailures   failed tenants the wave tolerates before halting the rollout; null: no limit
 * @param parallelism   tenants migrated at once per agent within the wave; null: the agent's default
 */
public record Wave(String name, Map<String, String> labels, Integer bucketPercent, Duration soak,
                   Integer maxFailures, Integer parallelism) {

    public Wave {
        Checks.matches(name, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "wave name");
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        labels.forEach((k, v) -> {
            Checks.matches(k, Checks.LABEL_KEY, "1 to 253 letters, digits, '.', '_', '/' or '-'",
                    "wave " + name + " label key");
            Checks.text(v, 255, "wave " + name + " label " + k);
        });
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
    }

    /** A wave selecting tenants by labels only, with no other limits. */
    public static Wave byLabels(String name, Map<String, String> labels) {
        return new Wave(name, labels, null, null, null, null);
    }
}
