package io.schemafleet.protocol.event;

/**
 * The typed body of an event: one record per {@link EventType}, each with its own
 * {@code SCHEMA_VERSION}. Bodies are immutable and validated when constructed, so a
 * body that exists is a body a consumer accepts.
 */
public sealed interface EventBody
        permits RevisionPublished, RolloutStarted, TenantReport, AgentHeartbeat, TenantRetryRequested,
        WaveAdmitted, WaveConverged, RolloutHalted, RolloutPaused, RolloutResumed, RolloutAborted, RolloutCompleted,
        TenantPinned, TenantUnpinned, DescribeRequested, TenantDescribed {

    /** The event type this body belongs to. */
    EventType type();
}
