package io.schemafleet.protocol.event;

import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.revision.Revision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated body of every event type, and envelopes around them. */
final class EventSamples {
    static final Instant AT = Instant.parse("2024-05-01T12:00:00.123Z");
    static final String ID = "0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f";
    static final String FINGERPRINT = "ab".repeat(32);

    static final Revision REVISION = new Revision("360b16ba22c2", List.of("801b86be184b"), List.of("auth"),
            List.of("5e656b9e303b"), "add password_changed_at to users", true,
            "ALTER TABLE users ADD COLUMN password_changed_at timestamptz;",
            "ALTER TABLE users DROP COLUMN password_changed_at;");

    static final RevisionPublished REVISION_PUBLISHED = RevisionPublished.of(REVISION);

    static final RolloutStarted ROLLOUT_STARTED = new RolloutStarted("r-2024-05-01.1", "head", List.of(
            new Wave("canary", Map.of("tier", "canary", "region", "eu"), null, Duration.ofMinutes(10), 0, 4),
            new Wave("ten-percent", Map.of(), 10, Duration.ofHours(1), 5, null),
            new Wave("rest", null, null, null, null, null)), "r-2024-04-30.1");

    static final TenantReport TENANT_REPORT = new TenantReport("tenant_042", "agent-eu-1",
            List.of("fc8a5aab7c09", "3959c5c80608"), TenantState.FAILED, "head", "r-2024-05-01.1",
            List.of(new TenantReport.Step("801b86be184b", Direction.UPGRADE, 12),
                    new TenantReport.Step("3959c5c80608", Direction.UPGRADE, 7, 42L,
                            Instant.parse("2024-05-01T11:59:59.876543Z"))),
            new TenantReport.Failure("sql_failed", "360b16ba22c2", "42P07", "relation \"users\" already exists"),
            FINGERPRINT, 3, AT);

    static final AgentHeartbeat AGENT_HEARTBEAT = new AgentHeartbeat("agent-eu-1", 50,
            Instant.parse("2024-05-01T11:00:00Z"), AT, "0.1.0-SNAPSHOT");

    static final TenantRetryRequested TENANT_RETRY_REQUESTED = new TenantRetryRequested("tenant_042", "alice", AT);

    static final DescribeRequested DESCRIBE_REQUESTED = new DescribeRequested("d-7f3a",
            List.of("tenant_042", "tenant_043"), "alice", AT);

    static final TenantDescribed TENANT_DESCRIBED = new TenantDescribed("d-7f3a", "tenant_042", "agent-eu-1",
            FINGERPRINT, "table users\n  column id integer not null\n\tcolumn email text\n", AT);

    static final TenantReport LABELLED_REPORT = new TenantReport("tenant_043", "agent-eu-1", List.of("fc8a5aab7c09"),
            TenantState.CONVERGED, "fc8a5aab7c09", "r-2024-05-01.1", List.of(), null, null, 1, AT,
            Map.of("tier", "canary"), 57);

    static final RolloutStarted WAVED_ROLLOUT = new RolloutStarted("r-2024-05-02.1", "3959c5c80608", List.of(
            new Wave("canary", Map.of("tier", "canary"), null, Duration.ofSeconds(30), null, 2, 10)),
            "r-2024-05-01.1", "fc8a5aab7c09");

    static final List<EventBody> ALL = List.of(REVISION_PUBLISHED, ROLLOUT_STARTED, TENANT_REPORT,
            AGENT_HEARTBEAT, TENANT_RETRY_REQUESTED,
            new WaveAdmitted("r-2024-05-01.1", "canary", 0),
            new WaveConverged("r-2024-05-01.1", "canary", 0, 5, 1),
            new RolloutHalted("r-2024-05-01.1", "canary", "2 of 5 tenants failed, more than max_failures 1"),
            new RolloutPaused("r-2024-05-01.1", "alice"), new RolloutResumed("r-2024-05-01.1", "alice"),
            new RolloutAborted("r-2024-05-01.1", "bob"), new RolloutCompleted("r-2024-05-01.1"),
            new TenantPinned("tenant_042", "3959c5c80608", "alice"), new TenantUnpinned("tenant_042", "alice"),
            DESCRIBE_REQUESTED, TENANT_DESCRIBED);

    private EventSamples() {
    }

    static Envelope envelope(EventBody body) {
        return Envelopes.of(body, "coordinator", ID, AT);
    }
}
