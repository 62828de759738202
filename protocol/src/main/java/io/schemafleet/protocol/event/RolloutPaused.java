package io.schemafleet.protocol.event;

/**
 * An operator paused a rollout: no further wave is admitted, and agents start no new step for
 * the tenants that follow it (a step already running finishes).
 * Rollouts topic, key = {@code <rollout>:paused}.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code requested_by}.
 *
 * @param rolloutId   the rollout
 * @param requestedBy who asked (user or token name, free text, 1 to 255)
 */
public record RolloutPaused(String rolloutId, String requestedBy) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutPaused {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.nonBlankText(requestedBy, 255, "requested_by");
    }

    @Override
    public EventType type() {
        return EventType.ROLLOUT_PAUSED;
    }
}
