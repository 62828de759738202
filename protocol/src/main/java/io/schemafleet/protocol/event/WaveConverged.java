package io.schemafleet.protocol.event;

/**
 * Every tenant of an admitted wave settled (converged, or failed within the budget);
 * its soak starts at this event's {@code at} (rollouts topic, key =
 * {@code <rollout>:wave:<index>:converged}).
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code wave}, {@code index},
 * {@code tenants}, {@code failed}.
 *
 * @param rolloutId the rollout
 * @param wave      the wave's name
 * @param index     the wave's position, from 0
 * @param tenants   tenants in the wave when it settled
 * @param failed    of which failed (at most the wave's budget)
 */
public record WaveConverged(String rolloutId, String wave, int index, int tenants, int failed) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public WaveConverged {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.matches(wave, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "wave");
        Checks.atLeast(index, 0, "index");
        Checks.atLeast(tenants, 0, "tenants");
        Checks.atLeast(failed, 0, "failed");
    }

    @Override
    public EventType type() {
        return EventType.WAVE_CONVERGED;
    }
}
