package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.revision.Revision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Typed body → JSON body, at the latest schema of each type. The inverse of {@link
 * BodyReader}. Null fields are put as JSON null, which the canonical form drops (absent
 * and null mean the same); lists are always written, empty or not.
 */
final class BodyWriter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private BodyWriter() {
    }

    static ObjectNode write(EventBody body) {
        ObjectNode o = JSON.objectNode();
        if (body instanceof RevisionPublished e) {
            Revision r = e.revision();
            o.put("revision", r.id());
            o.set("down_revisions", texts(r.downRevisions()));
            o.set("branch_labels", texts(r.branchLabels()));
            o.set("depends_on", texts(r.dependsOn()));
            o.put("message", r.message());
            o.put("transactional", r.transactional());
            o.put("upgrade", r.upgradeSql());
            o.put("downgrade", r.downgradeSql());
            o.put("checksum", e.checksum());
        } else if (body instanceof RolloutStarted e) {
            o.put("rollout_id", e.rolloutId());
            o.put("to", e.to());
            ArrayNode waves = o.putArray("waves");
            e.waves().forEach(w -> waves.add(wave(w)));
            o.put("supersedes", e.supersedes());
            o.put("previous_to", e.previousTo());
        } else if (body instanceof TenantReport e) {
            tenantReport(o, e);
        } else if (body instanceof AgentHeartbeat e) {
            o.put("agent", e.agent());
            o.put("tenants", e.tenants());
            o.put("started_at", instant(e.startedAt()));
            o.put("at", instant(e.at()));
            o.put("version", e.version());
            // Written only when there is something to say: a quiet heartbeat keeps its v1 bytes.
            o.put("refused_events", e.refusedEvents() == 0 ? null : e.refusedEvents());
            o.put("last_refusal", e.lastRefusal());
        } else if (body instanceof TenantRetryRequested e) {
            o.put("tenant", e.tenant());
            o.put("requested_by", e.requestedBy());
            o.put("at", instant(e.at()));
        } else if (body instanceof DescribeRequested e) {
            o.put("request_id", e.requestId());
            o.set("tenants", texts(e.tenants()));
            o.put("requested_by", e.requestedBy());
            o.put("at", instant(e.at()));
        } else if (body instanceof TenantDescribed e) {
            o.put("request_id", e.requestId());
            o.put("tenant", e.tenant());
            o.put("agent", e.agent());
            o.put("fingerprint", e.fingerprint());
            o.put("description", e.description());
            o.put("at", instant(e.at()));
        } else {
            rolloutControl(o, body);
        }
        return o;
    }

    /** The rollout engine's and operators' transitions, and pins. */
    private static void rolloutControl(ObjectNode o, EventBody body) {
        if (body instanceof WaveAdmitted e) {
            o.put("rollout_id", e.rolloutId()).put("wave", e.wave()).put("index", e.index());
        } else if (body instanceof WaveConverged e) {
            o.put("rollout_id", e.rolloutId()).put("wave", e.wave()).put("index", e.index())
                    .put("tenants", e.tenants()).put("failed", e.failed());
        } else if (body instanceof RolloutHalted e) {
            o.put("rollout_id", e.rolloutId()).put("wave", e.wave()).put("reason", e.reason());
        } else if (body instanceof RolloutPaused e) {
            o.put("rollout_id", e.rolloutId()).put("requested_by", e.requestedBy());
        } else if (body instanceof RolloutResumed e) {
            o.put("rollout_id", e.rolloutId()).put("requested_by", e.requestedBy());
        } else if (body instanceof RolloutAborted e) {
            o.put("rollout_id", e.rolloutId()).put("requested_by", e.requestedBy());
        } else if (body instanceof RolloutCompleted e) {
            o.put("rollout_id", e.rolloutId());
        } else if (body instanceof TenantPinned e) {
            o.put("tenant", e.tenant()).put("to", e.to()).put("requested_by", e.requestedBy());
        } else if (body instanceof TenantUnpinned e) {
            o.put("tenant", e.tenant()).put("requested_by", e.requestedBy());
        }
    }

    private static void tenantReport(ObjectNode o, TenantReport e) {
        o.put("tenant", e.tenant());
        o.put("agent", e.agent());
        o.set("heads", texts(e.heads()));
        o.put("state", e.state().code());
        o.put("destination", e.destination());
        o.put("rollout_id", e.rolloutId());
        ArrayNode steps = o.putArray("steps");
        for (TenantReport.Step s : e.steps()) {
            ObjectNode step = steps.addObject().put("revision", s.revision()).put("direction", s.direction().code())
                    .put("duration_ms", s.durationMs());
            if (s.identified()) {
                step.put("history_id", s.historyId()).put("started_at", instant(s.startedAt()));
            }
        }
        if (e.error() != null) {
            TenantReport.Failure f = e.error();
            o.putObject("error").put("code", f.code()).put("revision", f.revision())
                    .put("sqlstate", f.sqlstate()).put("message", f.message());
        }
        o.put("fingerprint", e.fingerprint());
        o.put("attempts", e.attempts());
        o.put("at", instant(e.at()));
        if (!e.labels().isEmpty()) {
            ObjectNode labels = o.putObject("labels");
            e.labels().forEach(labels::put);
        }
        o.put("bucket", e.bucket());
        o.put("retry_offset", e.retryOffset());
    }

    private static ObjectNode wave(Wave w) {
        ObjectNode o = JSON.objectNode();
        o.put("name", w.name());
        ObjectNode labels = o.putObject("labels");
        w.labels().forEach(labels::put);
        o.put("bucket_percent", w.bucketPercent());
        o.put("soak", w.soak() == null ? null : duration(w.soak()));
        o.put("max_failures", w.maxFailures());
        o.put("max_failures_percent", w.maxFailuresPercent());
        o.put("parallelism", w.parallelism());
        return o;
    }

    private static ArrayNode texts(List<String> values) {
        ArrayNode a = JSON.arrayNode();
        values.forEach(a::add);
        return a;
    }

    /** ISO-8601 in UTC, as {@link Instant#toString()}: {@code 2024-05-01T12:00:00.123Z}. */
    static String instant(Instant at) {
        return at.toString();
    }

    /** ISO-8601 duration, as {@link Duration#toString()}: {@code PT10M}. */
    static String duration(Duration d) {
        return d.toString();
    }
}
