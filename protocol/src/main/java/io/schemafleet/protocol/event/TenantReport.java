package io.schemafleet.protocol.event;

import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;

import java.time.Instant;
import io.schemafleet.protocol.fleet.Buckets;

import java.util.List;
import java.util.Map;

/**
 * Where one tenant stands, as its agent saw it (reports topic, key = tenant id). Sent
 * after every step and state change; compaction keeps the newest per tenant.
 *
 * <p>Wire fields (schema 1): {@code tenant}, {@code agent}, {@code heads},
 * {@code state} ({@link TenantState#code()}), {@code destination}, {@code rollout_id},
 * {@code steps} (array of {@code {revision, direction, duration_ms, history_id, started_at}}, the last
 * two written when known), {@code error}
 * ({@code {code, revision, sqlstate, message}}), {@code fingerprint}, {@code attempts},
 * {@code at}, {@code labels} (object, written when not empty), {@code bucket},
 * {@code retry_offset} (written when not null).
 *
 * @param tenant      tenant id ({@code [A-Za-z0-9_$./-]}, 1 to 255)
 * @param agent       id of the reporting agent (same alphabet)
 * @param heads       the tenant's version-table rows; stored sorted and without duplicates
 * @param state       where it stands relative to its destination
 * @param destination the destination it is being brought to; null before any rollout named one
 * @param rolloutId   the rollout that set the destination; null if none
 * @param steps       steps run since the previous report, in order (may be empty)
 * @param error       why it is not at its destination; null if there is nothing to say
 * @param fingerprint SHA-256 (64 lowercase hex) of the tenant's normalized schema; null if not computed
 * @param attempts    tries taken so far for the current destination (0 or more)
 * @param at          when the agent observed this state
 * @param labels      the tenant's labels, which rollout waves select on (empty: none)
 * @param bucket      the tenant's {@link io.schemafleet.protocol.fleet.Buckets bucket}, 0 to 99; null
 *                    from agents that predate waves
 * @param retryOffset where the newest {@link TenantRetryRequested} the agent has acted on for this
 *                    tenant sits in the rollouts topic (its offset; the topic has one partition); null
 *                    if none. The coordinator orders a reported failure and a retry request by it,
 *                    never by comparing the agent's clock with its own.
 */
public record TenantReport(String tenant, String agent, List<String> heads, TenantState state,
                           String destination, String rolloutId, List<Step> steps, Failure error,
                           String fingerprint, int attempts, Instant at, Map<String, String> labels,
                           Integer bucket, Long retryOffset) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public TenantReport {
        Checks.matches(tenant, Checks.NAME, Checks.NAME_RULE, "tenant");
        Checks.matches(agent, Checks.NAME, Checks.NAME_RULE, "agent");
        heads = Checks.revisionIds(heads, "heads").stream().sorted().distinct().toList();
        Checks.present(state, "state");
        Checks.matchesOrNull(destination, Checks.TOKEN, Checks.TOKEN_RULE, "destination");
        Checks.matchesOrNull(rolloutId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "rollout_id");
        steps = Checks.list(steps, "steps");
        Checks.matchesOrNull(fingerprint, Checks.SHA256_HEX, "64 lowercase hex digits", "fingerprint");
        Checks.atLeast(attempts, 0, "attempts");
        Checks.present(at, "at");
        labels = Checks.labels(labels, "labels");
        if (bucket != null && (bucket < 0 || bucket >= Buckets.COUNT)) {
            throw new InvalidEventException("bucket must be 0 to " + (Buckets.COUNT - 1) + ", got " + bucket);
        }
        if (retryOffset != null) {
            Checks.atLeast(retryOffset, 0, "retry_offset");
        }
    }

    /** A report that answers no retry request. */
    public TenantReport(String tenant, String agent, List<String> heads, TenantState state, String destination,
                        String rolloutId, List<Step> steps, Failure error, String fingerprint, int attempts,
                        Instant at, Map<String, String> labels, Integer bucket) {
        this(tenant, agent, heads, state, destination, rolloutId, steps, error, fingerprint, attempts, at, labels,
                bucket, null);
    }

    /** A report without labels or bucket (the form before waves). */
    public TenantReport(String tenant, String agent, List<String> heads, TenantState state, String destination,
                        String rolloutId, List<Step> steps, Failure error, String fingerprint, int attempts,
                        Instant at) {
        this(tenant, agent, heads, state, destination, rolloutId, steps, error, fingerprint, attempts, at, Map.of(),
                null, null);
    }

    @Override
    public EventType type() {
        return EventType.TENANT_REPORT;
    }

    /**
     * One step the agent ran.
     *
     * <p>A step that names its row in the tenant's own history table ({@code historyId} and
     * {@code startedAt}, as the table holds them) can be told apart from every other step of
     * the tenant, so a report sent twice, or a step sent again after the agent lost track of
     * whether it was delivered, counts once. Together they name one row even in a tenant
     * whose tables were dropped and made again (ids then start over; times do not).
     *
     * @param revision   the revision stepped over
     * @param direction  upgrade or downgrade (wire: {@link Direction#code()})
     * @param durationMs how long it took, in milliseconds (0 or more)
     * @param historyId  the id of its row in the tenant's history table; null if not known
     *                   (agents before this field), and then so is {@code startedAt}
     * @param startedAt  that row's {@code started_at}; null exactly when {@code historyId} is
     */
    public record Step(String revision, Direction direction, long durationMs, Long historyId, Instant startedAt) {
        public Step {
            Checks.revisionId(revision, "step revision");
            Checks.present(direction, "step direction");
            Checks.atLeast(durationMs, 0, "step duration_ms");
            if ((historyId == null) != (startedAt == null)) {
                throw new InvalidEventException("step history_id and started_at must be given together");
            }
            if (historyId != null) {
                Checks.atLeast(historyId, 1, "step history_id");
            }
        }

        /** A step that does not name its history row. */
        public Step(String revision, Direction direction, long durationMs) {
            this(revision, direction, durationMs, null, null);
        }

        /** Whether it names its history row, so that it can be counted once whatever is resent. */
        public boolean identified() {
            return historyId != null;
        }
    }

    /**
     * Why a tenant is not at its destination, in terms an operator can act on.
     *
     * @param code     stable code, {@code [a-z0-9_]}: {@code sql_failed}, {@code checksum_mismatch},
     *                 {@code unknown_revision}, {@code dirty}, {@code unreachable}, …
     * @param revision the revision involved; null if none
     * @param sqlstate the five-character SQLSTATE for a database error; null otherwise
     * @param message  one line for humans (at most 4,096 characters; a NUL becomes {@code \x00})
     */
    public record Failure(String code, String revision, String sqlstate, String message) {
        public Failure {
            Checks.matches(code, Checks.ERROR_CODE, "1 to 64 of a-z, 0-9, '_'", "error code");
            if (revision != null) {
                Checks.revisionId(revision, "error revision");
            }
            Checks.matchesOrNull(sqlstate, Checks.SQLSTATE, "5 digits or capital letters", "error sqlstate");
            // PostgreSQL cannot store a NUL in text: a report carrying one would stall the projection.
            message = Checks.present(message, "error message").replace("\u0000", "\\x00");
            if (message.length() > 4096) {
                message = message.substring(0, 4093) + "...";
            }
        }
    }
}
