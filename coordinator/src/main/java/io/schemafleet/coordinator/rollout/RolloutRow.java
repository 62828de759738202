package io.schemafleet.coordinator.rollout;

import io.schemafleet.protocol.event.Wave;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A rollout as the projection holds it.
 *
 * @param id          rollout id
 * @param to          its destination
 * @param waves       its waves; a rollout started without waves has one implicit wave {@code all}
 * @param supersedes  the rollout it replaced, if any
 * @param startedAt   the {@code rollout_started} event's time
 * @param state       running, paused, halted, aborted, completed or superseded
 * @param admitted    how many waves are admitted (the first ones)
 * @param haltReason  why the engine halted it; null unless halted
 * @param haltedWave  the wave whose budget was passed; null unless halted
 * @param times       per admitted wave (by index): when admitted and converged
 */
public record RolloutRow(String id, String to, List<Wave> waves, String supersedes, Instant startedAt, String state,
                         int admitted, String haltReason, String haltedWave, List<WaveTimes> times) {
    /** The name of the one implicit wave of a rollout started without waves. */
    public static final String WHOLE_FLEET = "all";
    /** States in which a rollout is still going: a new one must supersede it. */
    public static final Set<String> ACTIVE = Set.of("running", "paused", "halted");

    public RolloutRow {
        waves = List.copyOf(waves);
        times = List.copyOf(times);
    }

    /**
     * @param admittedAt  when the wave was admitted
     * @param convergedAt when it settled (its soak started); null before
     */
    public record WaveTimes(Instant admittedAt, Instant convergedAt) {
    }

    /** When wave {@code index} converged, or null. */
    public Instant convergedAt(int index) {
        return index < times.size() ? times.get(index).convergedAt() : null;
    }

    public boolean active() {
        return ACTIVE.contains(state);
    }
}
