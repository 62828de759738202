package io.schemafleet.protocol.event;

import java.util.Optional;

/**
 * The kind of an event. {@link #code()} is the stable wire form (never the ordinal);
 * {@link #latestSchema()} is the newest body schema version this build reads and
 * writes. New types are added with new codes; existing codes never change meaning.
 */
public enum EventType {
    /** A revision was published: {@link RevisionPublished}, on the revisions topic. */
    REVISION_PUBLISHED("revision_published", RevisionPublished.SCHEMA_VERSION),
    /** A rollout set the fleet's destination: {@link RolloutStarted}, on the rollouts topic. */
    ROLLOUT_STARTED("rollout_started", RolloutStarted.SCHEMA_VERSION),
    /** Where one tenant stands: {@link TenantReport}, on the reports topic. */
    TENANT_REPORT("tenant_report", TenantReport.SCHEMA_VERSION),
    /** An agent is alive: {@link AgentHeartbeat}, on the reports topic. */
    AGENT_HEARTBEAT("agent_heartbeat", AgentHeartbeat.SCHEMA_VERSION),
    /** An operator asked for a failed tenant to be retried: {@link TenantRetryRequested}, on the rollouts topic. */
    TENANT_RETRY_REQUESTED("tenant_retry_requested", TenantRetryRequested.SCHEMA_VERSION),
    /** The rollout engine admitted a wave: {@link WaveAdmitted}, on the rollouts topic. */
    WAVE_ADMITTED("wave_admitted", WaveAdmitted.SCHEMA_VERSION),
    /** An admitted wave settled and its soak started: {@link WaveConverged}, on the rollouts topic. */
    WAVE_CONVERGED("wave_converged", WaveConverged.SCHEMA_VERSION),
    /** A wave's failures passed its budget: {@link RolloutHalted}, on the rollouts topic. */
    ROLLOUT_HALTED("rollout_halted", RolloutHalted.SCHEMA_VERSION),
    /** An operator paused a rollout: {@link RolloutPaused}, on the rollouts topic. */
    ROLLOUT_PAUSED("rollout_paused", RolloutPaused.SCHEMA_VERSION),
    /** An operator resumed a rollout: {@link RolloutResumed}, on the rollouts topic. */
    ROLLOUT_RESUMED("rollout_resumed", RolloutResumed.SCHEMA_VERSION),
    /** An operator aborted a rollout: {@link RolloutAborted}, on the rollouts topic. */
    ROLLOUT_ABORTED("rollout_aborted", RolloutAborted.SCHEMA_VERSION),
    /** Every wave converged and soaked: {@link RolloutCompleted}, on the rollouts topic. */
    ROLLOUT_COMPLETED("rollout_completed", RolloutCompleted.SCHEMA_VERSION),
    /** A tenant was pinned: {@link TenantPinned}, on the rollouts topic. */
    TENANT_PINNED("tenant_pinned", TenantPinned.SCHEMA_VERSION),
    /** A tenant was unpinned: {@link TenantUnpinned}, on the rollouts topic. */
    TENANT_UNPINNED("tenant_unpinned", TenantUnpinned.SCHEMA_VERSION),
    /** An operator asked for tenants' schema descriptions: {@link DescribeRequested}, on the rollouts topic. */
    DESCRIBE_REQUESTED("describe_requested", DescribeRequested.SCHEMA_VERSION),
    /** A tenant's schema description, in answer: {@link TenantDescribed}, on the reports topic. */
    TENANT_DESCRIBED("tenant_described", TenantDescribed.SCHEMA_VERSION);

    private final String code;
    private final int latestSchema;

    EventType(String code, int latestSchema) {
        this.code = code;
        this.latestSchema = latestSchema;
    }

    /** The wire code, e.g. {@code "tenant_report"}. */
    public String code() {
        return code;
    }

    /** The newest schema version of this type's body that this build understands. */
    public int latestSchema() {
        return latestSchema;
    }

    /** The type with this wire code, or empty for a code this build does not know. */
    public static Optional<EventType> fromCode(String code) {
        for (EventType t : values()) {
            if (t.code.equals(code)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
