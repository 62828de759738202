package io.schemafleet.coordinator.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One wave of a rollout as {@code POST /api/rollouts} takes it: which tenants it admits
 * (all of {@code labels}, and a stable hash bucket below {@code bucketPercent}) and how
 * carefully. Null means "no such condition or limit".
 *
 * @param name               unique within the rollout
 * @param labels             the tenant must carry every one of these labels
 * @param bucketPercent      1 to 100: tenants whose bucket is below this percentage
 * @param soak               wait after the wave converges before the next one
 * @param maxFailures        failed tenants tolerated before the rollout halts
 * @param maxFailuresPercent failed tenants tolerated, as a percentage (0 to 100) of the wave's tenants
 * @param parallelism        at most this many of the wave's tenants applying at once per agent
 */
public record WavePlan(String name, Map<String, String> labels, Integer bucketPercent, Duration soak,
                       Integer maxFailures, Integer maxFailuresPercent, Integer parallelism) {
    public WavePlan {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /**
     * {@code {"name","labels","bucket_percent","soak":"PT2M","max_failures","parallelism"}}, the
     * protocol's wave fields (null where unset), and {@code max_failures_percent} only when set.
     */
    ObjectNode toJson() {
        ObjectNode wave = FleetClient.JSON.createObjectNode().put("name", name);
        ObjectNode labelsNode = wave.putObject("labels");
        labels.forEach(labelsNode::put);
        wave.put("bucket_percent", bucketPercent);
        wave.put("soak", soak == null ? null : soak.toString());
        wave.put("max_failures", maxFailures);
        if (maxFailuresPercent != null) {
            wave.put("max_failures_percent", maxFailuresPercent);
        }
        wave.put("parallelism", parallelism);
        return wave;
    }
}
