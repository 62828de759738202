package io.schemafleet.protocol.event;

/**
 * The rollout engine admitted a wave (rollouts topic, key = {@code <rollout>:wave:<index>:admitted}):
 * every tenant whose first matching wave is this one, or an earlier one, now follows the
 * rollout. One event whatever the wave's size: agents decide membership themselves.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code wave}, {@code index}.
 *
 * @param rolloutId the rollout
 * @param wave      the wave's name
 * @param index     the wave's position in the rollout, from 0
 */
public record WaveAdmitted(String rolloutId, String wave, int index) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public WaveAdmitted {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.matches(wave, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "wave");
        Checks.atLeast(index, 0, "index");
    }

    @Override
    public EventType type() {
        return EventType.WAVE_ADMITTED;
    }
}
