package io.schemafleet.protocol.topic;

import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventType;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutAborted;
import io.schemafleet.protocol.event.RolloutCompleted;
import io.schemafleet.protocol.event.RolloutHalted;
import io.schemafleet.protocol.event.RolloutPaused;
import io.schemafleet.protocol.event.RolloutResumed;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantPinned;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.TenantDescribed;
import io.schemafleet.protocol.event.TenantUnpinned;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.event.WaveConverged;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Schemafleet's Kafka topics under one prefix: their names, how to create them, which
 * events belong on which, and the record key of every event.
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>partitions</th><th>events</th><th>key</th></tr>
 *   <tr><td>{@code <prefix>.revisions}</td><td>1</td><td>revision_published</td><td>revision id</td></tr>
 *   <tr><td>{@code <prefix>.rollouts}</td><td>1</td><td>rollout_started, tenant_retry_requested,
 *       the rollout transitions, tenant_pinned/unpinned</td><td>rollout id; {@code retry:<tenant>};
 *       {@link #rolloutEventKey}; {@code pin:<tenant>}</td></tr>
 *   <tr><td>{@code <prefix>.reports}</td><td>{@link #reportPartitions()}</td><td>tenant_report,
 *       agent_heartbeat</td><td>tenant id; {@code agent:<agent>}</td></tr>
 * </table>
 * All three are compacted ({@code cleanup.policy=compact}).
 *
 * @param prefix           topic name prefix: {@code [a-zA-Z0-9._-]}, 1 to {@value #MAX_PREFIX_LENGTH}
 *                         characters (so that every name stays within Kafka's 249)
 * @param reportPartitions partitions of the reports topic, 1 or more
 */
public record Topics(String prefix, int reportPartitions) {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "schemafleet";
    /** The default number of report partitions. */
    public static final int DEFAULT_REPORT_PARTITIONS = 6;
    /** Kafka's limit on a topic name. */
    public static final int MAX_TOPIC_LENGTH = 249;
    /** Longest prefix: 249 minus the longest suffix, {@code .revisions}. */
    public static final int MAX_PREFIX_LENGTH = MAX_TOPIC_LENGTH - 10;

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Map<String, String> COMPACT = Map.of("cleanup.policy", "compact");
    /**
     * Revisions carry their SQL: allow records up to the codec's limit (Kafka's default is
     * about 1 MiB). Producers of revisions set {@code max.request.size} to match.
     */
    private static final Map<String, String> COMPACT_LARGE = Map.of("cleanup.policy", "compact",
            "max.message.bytes", Integer.toString(io.schemafleet.protocol.event.EventCodec.MAX_EVENT_BYTES + 64 * 1024));

    /**
     * Reports are stamped with the broker's time as they are appended, not the agent's: an
     * agent's liveness is read from it, so its own clock never makes it look quiet or alive.
     */
    private static final Map<String, String> COMPACT_BROKER_TIME = Map.of("cleanup.policy", "compact",
            "message.timestamp.type", "LogAppendTime");

    public Topics {
        requireLegalName(prefix, "topic prefix", MAX_PREFIX_LENGTH);
        if (reportPartitions < 1) {
            throw new SchemafleetException("the reports topic needs at least 1 partition, got " + reportPartitions);
        }
    }

    /** Prefix {@code schemafleet}, 6 report partitions. */
    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX, DEFAULT_REPORT_PARTITIONS);
    }

    /** The given prefix, 6 report partitions. */
    public static Topics withPrefix(String prefix) {
        return new Topics(prefix, DEFAULT_REPORT_PARTITIONS);
    }

    public String revisions() {
        return prefix + ".revisions";
    }

    public String rollouts() {
        return prefix + ".rollouts";
    }

    public String reports() {
        return prefix + ".reports";
    }

    /** Every topic, as it must be created: revisions, rollouts, reports. */
    public List<TopicSpec> specs() {
        return List.of(new TopicSpec(revisions(), 1, COMPACT_LARGE), new TopicSpec(rollouts(), 1, COMPACT),
                new TopicSpec(reports(), reportPartitions, COMPACT_BROKER_TIME));
    }

    /** The topic events of {@code type} are written to. */
    public String topicFor(EventType type) {
        return switch (Objects.requireNonNull(type, "type")) {
            case REVISION_PUBLISHED -> revisions();
            case ROLLOUT_STARTED, TENANT_RETRY_REQUESTED, WAVE_ADMITTED, WAVE_CONVERGED, ROLLOUT_HALTED,
                 ROLLOUT_PAUSED, ROLLOUT_RESUMED, ROLLOUT_ABORTED, ROLLOUT_COMPLETED, TENANT_PINNED,
                 TENANT_UNPINNED, DESCRIBE_REQUESTED -> rollouts();
            case TENANT_REPORT, AGENT_HEARTBEAT, TENANT_DESCRIBED -> reports();
        };
    }

    /** Whether an event of {@code type} belongs on {@code topic}; a consumer rejects it otherwise. */
    public boolean allows(String topic, EventType type) {
        return topicFor(type).equals(topic);
    }

    /**
     * Whether consumers must verify the signature of events on {@code topic}: the
     * coordinator's topics (revisions, rollouts), whose events make agents run SQL. Agents'
     * reports are not signed (see docs/security.md).
     */
    public boolean signed(String topic) {
        return revisions().equals(topic) || rollouts().equals(topic);
    }

    /** The record key for an event with this body. */
    public static String keyFor(EventBody body) {
        if (body instanceof RevisionPublished e) {
            return revisionKey(e.revision().id());
        } else if (body instanceof RolloutStarted e) {
            return rolloutKey(e.rolloutId());
        } else if (body instanceof TenantReport e) {
            return reportKey(e.tenant());
        } else if (body instanceof AgentHeartbeat e) {
            return heartbeatKey(e.agent());
        } else if (body instanceof TenantRetryRequested e) {
            return retryKey(e.tenant());
        } else if (body instanceof WaveAdmitted e) {
            return rolloutEventKey(e.rolloutId(), "wave:" + e.index() + ":admitted");
        } else if (body instanceof WaveConverged e) {
            return rolloutEventKey(e.rolloutId(), "wave:" + e.index() + ":converged");
        } else if (body instanceof RolloutHalted e) {
            return rolloutEventKey(e.rolloutId(), "halted");
        } else if (body instanceof RolloutPaused e) {
            return rolloutEventKey(e.rolloutId(), "paused");
        } else if (body instanceof RolloutResumed e) {
            return rolloutEventKey(e.rolloutId(), "resumed");
        } else if (body instanceof RolloutAborted e) {
            return rolloutEventKey(e.rolloutId(), "aborted");
        } else if (body instanceof RolloutCompleted e) {
            return rolloutEventKey(e.rolloutId(), "completed");
        } else if (body instanceof TenantPinned e) {
            return pinKey(e.tenant());
        } else if (body instanceof TenantUnpinned e) {
            return pinKey(e.tenant());
        } else if (body instanceof DescribeRequested e) {
            return "describe:" + nonEmpty(e.requestId(), "request id");
        } else if (body instanceof TenantDescribed e) {
            return "describe:" + nonEmpty(e.tenant(), "tenant id");
        }
        throw new IllegalArgumentException("no key for " + body);
    }

    /** Key on the revisions topic: the revision id. */
    public static String revisionKey(String revision) {
        return nonEmpty(revision, "revision id");
    }

    /** Key on the rollouts topic for a rollout: the rollout id. */
    public static String rolloutKey(String rolloutId) {
        return nonEmpty(rolloutId, "rollout id");
    }

    /**
     * Key on the rollouts topic for a transition of a rollout: {@code <rollout>:<what>}
     * ({@code r1:paused}, {@code r1:wave:0:admitted}). Rollout ids never contain ':', so
     * the key never collides with a rollout's own; each kind of transition has its own
     * key, so compaction keeps the newest of each and a replay still ends in the same state.
     */
    public static String rolloutEventKey(String rolloutId, String what) {
        return nonEmpty(rolloutId, "rollout id") + ":" + what;
    }

    /** Key on the rollouts topic for a pin or unpin: {@code pin:<tenant>} (compaction keeps the newest). */
    public static String pinKey(String tenant) {
        return "pin:" + nonEmpty(tenant, "tenant id");
    }

    /** Key on the rollouts topic for a retry request: {@code retry:<tenant>} (compaction keeps the newest). */
    public static String retryKey(String tenant) {
        return "retry:" + nonEmpty(tenant, "tenant id");
    }

    /** Key on the reports topic for a tenant report: the tenant id. */
    public static String reportKey(String tenant) {
        return nonEmpty(tenant, "tenant id");
    }

    /** Key on the reports topic for a heartbeat: {@code agent:<agent>} (tenant ids never contain ':'). */
    public static String heartbeatKey(String agent) {
        return "agent:" + nonEmpty(agent, "agent id");
    }

    static void requireLegalName(String name, String what, int maxLength) {
        if (name == null || !LEGAL.matcher(name).matches() || name.length() > maxLength
                || name.equals(".") || name.equals("..")) {
            throw new SchemafleetException(what + " " + (name == null ? "(null)" : "'" + name + "'")
                    + " is not allowed: use 1 to " + maxLength + " of a-z, A-Z, 0-9, '.', '_', '-'");
        }
    }

    private static String nonEmpty(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }
}
