package io.schemafleet.protocol.event;

/**
 * The rollout engine halted a rollout because a wave's failures passed its budget
 * (rollouts topic, key = {@code <rollout>:halted}). No further wave is admitted; tenants
 * already admitted keep the rollout's destination. Only an abort or a superseding
 * rollout ends a halted one.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code wave}, {@code reason}.
 *
 * @param rolloutId the rollout
 * @param wave      the wave whose budget was passed
 * @param reason    for operators: counts, budget, the first failed tenants and their errors (at most 4,096)
 */
public record RolloutHalted(String rolloutId, String wave, String reason) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutHalted {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.matches(wave, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "wave");
        reason = Checks.present(reason, "reason");
        if (reason.length() > 4096) {
            reason = reason.substring(0, 4093) + "...";
        }
    }

    @Override
    public EventType type() {
        return EventType.ROLLOUT_HALTED;
    }
}
