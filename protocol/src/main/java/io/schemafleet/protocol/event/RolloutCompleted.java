package io.schemafleet.protocol.event;

/**
 * The rollout engine admitted every wave and the last one converged and soaked
 * (rollouts topic, key = {@code <rollout>:completed}). Its tenants keep following its
 * destination (a {@code head} rollout still follows new revisions); a new rollout may start.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}.
 *
 * @param rolloutId the rollout
 */
public record RolloutCompleted(String rolloutId) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutCompleted {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
    }

    @Override
    public EventType type() {
        return EventType.ROLLOUT_COMPLETED;
    }
}
