package io.schemafleet.protocol.event;

/**
 * An operator aborted a rollout: no further wave is admitted, ever. Tenants already admitted
 * keep its destination (nothing is rolled back: start a downgrade rollout for that); a new
 * rollout may start without superseding it.
 * Rollouts topic, key = {@code <rollout>:aborted}.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code requested_by}.
 *
 * @param rolloutId   the rollout
 * @param requestedBy who asked (user or token name, free text, 1 to 255)
 */
public record RolloutAborted(String rolloutId, String requestedBy) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutAborted {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.nonBlankText(requestedBy, 255, "requested_by");
    }

    @Override
    public EventType type() {
        return EventType.ROLLOUT_ABORTED;
    }
}
