package io.schemafleet.protocol.event;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A rollout set the fleet's destination (rollouts topic, key = rollout id). The newest
 * rollout wins; {@code supersedes} names the one it replaces, for the record.
 *
 * <p>Wire fields (schema 1): {@code rollout_id}, {@code to}, {@code waves} (array of
 * {@link Wave}), {@code supersedes}, {@code previous_to}.
 *
 * <p>A rollout without waves admits every tenant at once. With waves, no tenant is
 * admitted until a {@link WaveAdmitted}; tenants not admitted keep the destination of the
 * newest earlier rollout that admitted them (docs/rollouts.md).
 *
 * @param rolloutId  the rollout's id ({@code [A-Za-z0-9._-]}, 1 to 128)
 * @param to         the destination, as for {@code upgrade}/{@code downgrade}: {@code head},
 *                   {@code heads}, a revision id, {@code label@head}, …
 * @param waves      waves in order; empty means the whole fleet at once
 * @param supersedes the rollout this one replaces; null if none
 * @param previousTo the previous rollout's floating destination ({@code head}, {@code x@head}) as it
 *                   resolved when this one started: from now on that rollout's tenants stay there
 *                   instead of following new revisions. Null: the previous destination stands as written
 */
public record RolloutStarted(String rolloutId, String to, List<Wave> waves, String supersedes, String previousTo)
        implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public RolloutStarted {
        Checks.matches(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        Checks.destination(to, "to");
        waves = Checks.list(waves, "waves");
        Set<String> names = new HashSet<>();
        for (Wave w : waves) {
            if (!names.add(w.name())) {
                throw new InvalidEventException("wave name '" + w.name() + "' appears twice in rollout " + rolloutId);
            }
        }
        Checks.matchesOrNull(supersedes, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "supersedes");
        if (rolloutId.equals(supersedes)) {
            throw new InvalidEventException("rollout " + rolloutId + " cannot supersede itself");
        }
        Checks.matchesOrNull(previousTo, Checks.TOKEN, Checks.TOKEN_RULE, "previous_to");
    }

    /** A rollout that leaves the previous destination as written. */
    public RolloutStarted(String rolloutId, String to, List<Wave> waves, String supersedes) {
        this(rolloutId, to, waves, supersedes, null);
    }

    /**
     * The waves in {@code json}, a {@code waves} array as this event writes it (for a
     * consumer that kept the array, such as the coordinator's projection).
     *
     * @throws InvalidEventException if it is not such an array
     */
    public static List<Wave> wavesFrom(com.fasterxml.jackson.databind.JsonNode json) {
        return BodyReader.waves(json);
    }

    /** A rollout of the whole fleet at once to {@code to}. */
    public static RolloutStarted toWholeFleet(String rolloutId, String to) {
        return new RolloutStarted(rolloutId, to, List.of(), null);
    }

    @Override
    public EventType type() {
        return EventType.ROLLOUT_STARTED;
    }
}
