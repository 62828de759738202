package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.Wave;
import io.schemafleet.protocol.fleet.Buckets;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the rollouts topic says about every tenant, as of one point in the log: the
 * rollouts newest first with how many waves each has admitted, and the pins. Immutable.
 *
 * <p>A tenant's target is its pin if it is pinned; otherwise the destination of the
 * newest rollout that admitted it: a rollout without waves admits every tenant, one with
 * waves admits the tenants whose first selecting wave has been admitted. A tenant no
 * rollout admitted has no target and is left alone.
 *
 * @param rollouts newest first
 * @param pins     tenant id → pinned destination
 */
public record RolloutBook(List<Rollout> rollouts, Map<String, String> pins) {
    /** Nothing yet. */
    public static final RolloutBook EMPTY = new RolloutBook(List.of(), Map.of());

    public RolloutBook {
        rollouts = List.copyOf(rollouts);
        pins = Map.copyOf(pins);
    }

    /**
     * One rollout as the agent sees it.
     *
     * @param id       rollout id
     * @param to       its destination (frozen by a later rollout's {@code previous_to}, if any)
     * @param waves    its waves; empty: the whole fleet at once
     * @param admitted how many waves have been admitted (the first {@code admitted} waves)
     * @param paused   paused by an operator: no new step for its tenants
     */
    public record Rollout(String id, String to, List<Wave> waves, int admitted, boolean paused) {
        public Rollout {
            waves = List.copyOf(waves);
        }

        /** The index of the first wave that selects the tenant, or -1. */
        public int waveOf(Map<String, String> labels, int bucket) {
            for (int i = 0; i < waves.size(); i++) {
                if (waves.get(i).selects(labels, bucket)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Where one tenant should be, and under which rollout and wave.
     *
     * @param destination where to bring it
     * @param rolloutId   the rollout that set it; null for a pin
     * @param wave        the wave that admitted it; null for a pin or a rollout without waves
     * @param parallelism that wave's per-agent limit; null: none
     * @param paused      its rollout is paused: start no new step
     */
    public record Target(String destination, String rolloutId, String wave, Integer parallelism, boolean paused) {
    }

    /** The newest rollout, if any. */
    public Optional<Rollout> newest() {
        return rollouts.isEmpty() ? Optional.empty() : Optional.of(rollouts.get(0));
    }

    /** Whether the rollout is paused (false for an unknown one). */
    public boolean paused(String rolloutId) {
        return rollouts.stream().anyMatch(r -> r.id().equals(rolloutId) && r.paused());
    }

    /** The tenant's target, if it has one. */
    public Optional<Target> target(String tenant, Map<String, String> labels) {
        String pin = pins.get(tenant);
        if (pin != null) {
            return Optional.of(new Target(pin, null, null, null, false));
        }
        int bucket = Buckets.of(tenant);
        for (Rollout r : rollouts) {
            if (r.waves().isEmpty()) {
                return Optional.of(new Target(r.to(), r.id(), null, null, r.paused()));
            }
            int wave = r.waveOf(labels, bucket);
            if (wave >= 0 && wave < r.admitted()) {
                Wave w = r.waves().get(wave);
                return Optional.of(new Target(r.to(), r.id(), w.name(), w.parallelism(), r.paused()));
            }
        }
        return Optional.empty();
    }
}
