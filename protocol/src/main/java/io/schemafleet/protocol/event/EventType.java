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
