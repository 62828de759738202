package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.revision.Revision;


/**
 * JSON body → typed body, for every type and schema version this build reads. The
 * inverse of {@link BodyWriter}; a field's wire name appears here and there only.
 */
final class BodyReader {
    private BodyReader() {
    }

    /** Reads a body written with {@code schema} (already checked to be supported). */
    static EventBody read(EventType type, int schema, JsonNode json) {
        Fields body = Fields.of(json, "body", Rejection.INVALID_BODY);
        // Every type is at schema 1; a version 2 adds a branch here, upgrading v1 input.
        return switch (type) {
            case REVISION_PUBLISHED -> revisionPublished(body);
            case ROLLOUT_STARTED -> rolloutStarted(body);
            case TENANT_REPORT -> tenantReport(body);
            case AGENT_HEARTBEAT -> new AgentHeartbeat(body.text("agent"), body.integer("tenants"),
                    body.instant("started_at"), body.instant("at"), body.text("version"),
                    java.util.Objects.requireNonNullElse(body.optInteger("refused_events"), 0),
                    body.optText("last_refusal"));
            case TENANT_RETRY_REQUESTED -> new TenantRetryRequested(body.text("tenant"),
                    body.text("requested_by"), body.instant("at"));
            case WAVE_ADMITTED -> new WaveAdmitted(body.text("rollout_id"), body.text("wave"), body.integer("index"));
            case WAVE_CONVERGED -> new WaveConverged(body.text("rollout_id"), body.text("wave"), body.integer("index"),
                    body.integer("tenants"), body.integer("failed"));
            case ROLLOUT_HALTED -> new RolloutHalted(body.text("rollout_id"), body.text("wave"), body.text("reason"));
            case ROLLOUT_PAUSED -> new RolloutPaused(body.text("rollout_id"), body.text("requested_by"));
            case ROLLOUT_RESUMED -> new RolloutResumed(body.text("rollout_id"), body.text("requested_by"));
            case ROLLOUT_ABORTED -> new RolloutAborted(body.text("rollout_id"), body.text("requested_by"));
            case ROLLOUT_COMPLETED -> new RolloutCompleted(body.text("rollout_id"));
            case TENANT_PINNED -> new TenantPinned(body.text("tenant"), body.text("to"), body.text("requested_by"));
            case TENANT_UNPINNED -> new TenantUnpinned(body.text("tenant"), body.text("requested_by"));
            case DESCRIBE_REQUESTED -> new DescribeRequested(body.text("request_id"), body.textList("tenants"),
                    body.text("requested_by"), body.instant("at"));
            case TENANT_DESCRIBED -> new TenantDescribed(body.text("request_id"), body.text("tenant"),
                    body.text("agent"), body.text("fingerprint"), body.text("description"), body.instant("at"));
        };
    }

    private static RevisionPublished revisionPublished(Fields b) {
        Revision revision;
        try {
            revision = new Revision(b.text("revision"), b.textList("down_revisions"), b.textList("branch_labels"),
                    b.textList("depends_on"), b.optText("message"), b.bool("transactional"),
                    b.optText("upgrade"), b.optText("downgrade"));
        } catch (InvalidEventException e) {
            throw e;
        } catch (SchemafleetException e) {
            throw new InvalidEventException("body: " + e.getMessage());
        }
        return new RevisionPublished(revision, b.text("checksum"));
    }

    private static RolloutStarted rolloutStarted(Fields b) {
        return new RolloutStarted(b.text("rollout_id"), b.text("to"),
                b.objects("waves").stream().map(BodyReader::wave).toList(), b.optText("supersedes"),
                b.optText("previous_to"));
    }

    static java.util.List<Wave> waves(JsonNode array) {
        com.fasterxml.jackson.databind.node.ObjectNode holder =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        holder.set("waves", array);
        return Fields.of(holder, "", Rejection.INVALID_BODY).objects("waves").stream().map(BodyReader::wave).toList();
    }

    private static Wave wave(Fields w) {
        return new Wave(w.text("name"), w.textMap("labels"), w.optInteger("bucket_percent"),
                w.optDuration("soak"), w.optInteger("max_failures"), w.optInteger("parallelism"),
                w.optInteger("max_failures_percent"));
    }

    private static TenantReport tenantReport(Fields b) {
        Fields error = b.optObject("error");
        return new TenantReport(b.text("tenant"), b.text("agent"), b.textList("heads"),
                b.code("state", "tenant state", TenantState::fromCode),
                b.optText("destination"), b.optText("rollout_id"),
                b.objects("steps").stream().map(BodyReader::step).toList(),
                error == null ? null : new TenantReport.Failure(error.text("code"), error.optText("revision"),
                        error.optText("sqlstate"), error.text("message")),
                b.optText("fingerprint"), b.integer("attempts"), b.instant("at"), b.textMap("labels"),
                b.optInteger("bucket"), b.optLong("retry_offset"));
    }

    private static TenantReport.Step step(Fields s) {
        return new TenantReport.Step(s.text("revision"), s.code("direction", "direction", Direction::ofCode),
                s.longValue("duration_ms"), s.optLong("history_id"), s.optInstant("started_at"));
    }

}
