package io.schemafleet.coordinator.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.event.TenantDescribed;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.Verification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Applies one record of the log to the projection's tables, on a connection inside the
 * caller's transaction. The only place rows change, for live consumption and for a
 * rebuild alike. Deterministic: every value written comes from the record (its
 * envelope {@code at}, its offset), never from the clock, so a replay writes the same
 * rows.
 *
 * <p>What cannot be applied is recorded in {@code poison_records} with its reason and
 * skipped: undecodable values and unknown types or schema versions
 * ({@link EventCodec#decode} rejections), events on the wrong topic, events on the
 * revisions and rollouts topics that the {@link TrustPolicy} refuses (kind
 * {@code unsigned}, {@code unknown_key} or {@code bad_signature}: a forged destination
 * never reaches the tables), and a revision published twice with different content (the
 * first one stands). {@link Projection} adds kind {@code unprojectable}: a record whose
 * values the database refuses.
 */
final class RecordApplier {
    private static final Logger LOG = LoggerFactory.getLogger(RecordApplier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics topics;
    private final TrustPolicy trust;
    private final RolloutApplier rollouts = new RolloutApplier();
    /** Reports of the current transaction not written yet; one transaction at a time uses this applier. */
    private final ReportBatch batch = new ReportBatch();
    /** The steps those reports name by their history rows, counted at the same flush. */
    private final StepLedger ledger = new StepLedger();

    RecordApplier(Topics topics, TrustPolicy trust) {
        this.topics = topics;
        this.trust = trust;
    }

    /**
     * Decodes and checks {@code record}: everything that needs no table. Keeps no state, so
     * it may run on another thread than {@link #apply}.
     */
    PreparedRecord prepare(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return new PreparedRecord.Tombstone();
        }
        Decoded decoded = EventCodec.decode(record.value());
        if (decoded instanceof Decoded.Rejected rejected) {
            return new PreparedRecord.Poison(rejected.kind().code(), rejected.reason());
        }
        Decoded.Event event = (Decoded.Event) decoded;
        Envelope envelope = event.envelope();
        if (!topics.allows(record.topic(), envelope.type())) {
            return new PreparedRecord.Poison("misplaced", "event type " + envelope.type().code()
                    + " does not belong on " + record.topic() + " (it goes to " + topics.topicFor(envelope.type()) + ")");
        }
        if (topics.signed(record.topic())) {
            Verification verification = trust.check(envelope);
            if (!trust.accepts(verification)) {
                return new PreparedRecord.Poison(verification.verdict().code(), envelope.type().code() + " event "
                        + envelope.id() + " refused: " + verification.reason());
            }
        }
        if (event.body() instanceof TenantReport e) {
            return report(record, envelope, e);
        }
        return new PreparedRecord.Event(envelope, event.body());
    }

    /**
     * Applies {@code record}, {@link #prepare}d as {@code prepared}; returns true if it was
     * poison (recorded and skipped). The steps an agent reports as it commits them are added
     * to {@code steps}. Tenant reports are batched: the caller {@link #flush}es before it
     * commits.
     */
    boolean apply(Connection c, ConsumerRecord<byte[], byte[]> record, PreparedRecord prepared,
                  List<TenantReport.Step> steps) throws SQLException {
        if (prepared instanceof PreparedRecord.Tombstone) {
            return false;
        }
        if (prepared instanceof PreparedRecord.Poison p) {
            return poison(c, record, p.kind(), p.reason());
        }
        if (prepared instanceof PreparedRecord.Report r) {
            batch.add(r.rows());
            ledger.add(r.report(), record.partition(), record.offset());
            // A step that does not name its history row (an agent before history ids) counts where
            // its agent reported it as it committed (state applying), not again in the tenant's
            // final report.
            if (r.report().state() == TenantState.APPLYING) {
                r.report().steps().stream().filter(step -> !step.identified()).forEach(steps::add);
            }
            return false;
        }
        PreparedRecord.Event event = (PreparedRecord.Event) prepared;
        Envelope envelope = event.envelope();
        flush(c, steps); // the event may read what the reports before it wrote
        if (event.body() instanceof RevisionPublished e) {
            return revisionPublished(c, record, envelope, e);
        } else if (event.body() instanceof RolloutStarted e) {
            rolloutStarted(c, record, envelope, e);
        } else if (event.body() instanceof AgentHeartbeat e) {
            heartbeat(c, record, e);
        } else if (event.body() instanceof TenantRetryRequested e) {
            retryRequested(c, record, envelope, e);
        } else if (event.body() instanceof TenantDescribed e) {
            described(c, e);
        } else {
            rollouts.apply(c, record, envelope, event.body());
        }
        return false;
    }

    private boolean revisionPublished(Connection c, ConsumerRecord<byte[], byte[]> record, Envelope envelope,
                                      RevisionPublished e) throws SQLException {
        Revision r = e.revision();
        String existing = null;
        try (PreparedStatement s = c.prepareStatement("SELECT checksum FROM revisions WHERE id = ?")) {
            s.setString(1, r.id());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    existing = rs.getString(1);
                }
            }
        }
        if (existing != null) {
            if (existing.equals(e.checksum())) {
                return false; // published again with the same content: nothing changes
            }
            return poison(c, record, "revision_conflict", "revision " + r.id() + " published again with checksum "
                    + e.checksum() + "; the first publication (" + existing + ") stands");
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO revisions (id, seq, down_revisions, branch_labels,"
                + " depends_on, message, transactional, upgrade, downgrade, checksum, published_at, event_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, r.id());
            s.setLong(2, record.offset());
            s.setString(3, String.join(",", r.downRevisions()));
            s.setString(4, String.join(",", r.branchLabels()));
            s.setString(5, String.join(",", r.dependsOn()));
            s.setString(6, r.message());
            s.setBoolean(7, r.transactional());
            s.setString(8, r.upgradeSql());
            s.setString(9, r.downgradeSql());
            s.setString(10, e.checksum());
            s.setObject(11, ts(envelope.at()));
            s.setString(12, envelope.id());
            s.executeUpdate();
        }
        return false;
    }

    private void rolloutStarted(Connection c, ConsumerRecord<byte[], byte[]> record, Envelope envelope,
                                RolloutStarted e) throws SQLException {
        String waves = String.valueOf(envelope.body().path("waves"));
        try (PreparedStatement s = c.prepareStatement("INSERT INTO rollouts (id, seq, destination, waves, supersedes,"
                + " started_at, state) VALUES (?, ?, ?, ?, ?, ?, 'running') ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, e.rolloutId());
            s.setLong(2, record.offset());
            s.setString(3, e.to());
            s.setString(4, waves);
            s.setString(5, e.supersedes());
            s.setObject(6, ts(envelope.at()));
            if (s.executeUpdate() == 0) {
                return; // the same rollout again (a retried append): the first one stands
            }
        }
        rollouts.started(c, envelope, e);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO fleet (singleton, destination, rollout_id)"
                + " VALUES (true, ?, ?) ON CONFLICT (singleton) DO UPDATE SET destination = EXCLUDED.destination,"
                + " rollout_id = EXCLUDED.rollout_id")) {
            s.setString(1, e.to());
            s.setString(2, e.rolloutId());
            s.executeUpdate();
        }
    }

    /**
     * A retry request: a row in the tenant's history, and a {@code failed} tenant becomes
     * {@code behind} (error cleared) until its agent's next report. The agent tries it again
     * on the request (once its rollout is not paused) and reports the outcome even if it
     * failed the same way, so the old failure would only make a {@code watch} started right
     * after the retry stop at it. Blocked and dirty tenants stay as they are: the agent
     * refuses them again until an operator fixes their version rows. (While the tenant's rollout is
     * paused its agent holds the retry until the resume; the API refuses such a request, so that the
     * failure keeps showing meanwhile.)
     *
     * <p>Only a failure that does not answer this request or a newer one is cleared: reports
     * and requests travel on different topics, so the report of the new try, failed again, may
     * be applied before the request that caused it (on a rebuild, or behind a lagging
     * partition). A report names the newest request its agent acted on by the request's offset
     * in the rollouts topic ({@code retry_offset}), so the two are ordered by the log, whatever
     * the agent's clock says against the coordinator's. A request applied before the older
     * failure it meant to clear leaves it standing until the agent's answer.
     */
    private static void retryRequested(Connection c, ConsumerRecord<byte[], byte[]> record, Envelope envelope,
                                       TenantRetryRequested e) throws SQLException {
        history(c, record, e.tenant(), e.at(), envelope.type().code(), null, null, null, null, null);
        try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET state = 'behind', error_code = NULL,"
                + " error_revision = NULL, error_sqlstate = NULL, error_message = NULL"
                + " WHERE id = ? AND state = 'failed' AND (retry_offset IS NULL OR retry_offset < ?)")) {
            s.setString(1, e.tenant());
            s.setLong(2, record.offset());
            s.executeUpdate();
        }
    }

    /** The report with its rows, written with the reports around it at the next {@link #flush}. */
    private static PreparedRecord.Report report(ConsumerRecord<byte[], byte[]> record, Envelope envelope,
                                                TenantReport e) {
        TenantReport.Failure f = e.error();
        String heads = Heads.key(e.heads());
        String error = null;
        if (f != null) {
            ObjectNode o = JSON.createObjectNode().put("code", f.code());
            if (f.revision() != null) {
                o.put("revision", f.revision());
            }
            if (f.sqlstate() != null) {
                o.put("sqlstate", f.sqlstate());
            }
            error = o.put("message", f.message()).toString();
        }
        ReportBatch.TenantRow tenant = new ReportBatch.TenantRow(e.tenant(), heads, e.state().code(),
                e.destination(), e.rolloutId(), f == null ? null : f.code(), f == null ? null : f.revision(),
                f == null ? null : f.sqlstate(), f == null ? null : f.message(), e.fingerprint(), e.attempts(),
                e.agent(), e.at(), envelope.at(), labels(e.labels()), e.bucket(), e.retryOffset());
        ReportBatch.EventRow event = new ReportBatch.EventRow(record.topic(), record.partition(), record.offset(),
                e.tenant(), e.at(), envelope.type().code(), e.state().code(), heads, steps(e.steps()), error, e.agent());
        return new PreparedRecord.Report(e, ReportBatch.Rows.of(tenant, event));
    }

    // Resyncs carry no steps, and agents without labels none: such JSON needs no tree built and written.

    private static String steps(List<TenantReport.Step> steps) {
        if (steps.isEmpty()) {
            return "[]";
        }
        ArrayNode out = JSON.createArrayNode();
        for (TenantReport.Step step : steps) {
            ObjectNode o = out.addObject().put("revision", step.revision()).put("direction", step.direction().code())
                    .put("duration_ms", step.durationMs());
            if (step.identified()) {
                o.put("history_id", step.historyId()).put("started_at", TimestampText.of(step.startedAt()));
            }
        }
        return out.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "{}";
        }
        ObjectNode out = JSON.createObjectNode();
        labels.forEach(out::put);
        return out.toString();
    }

    /**
     * Writes the reports added since the last flush, and adds to {@code steps} those of their
     * steps counted now for the first time ({@link StepLedger}). Called before any other event
     * is applied (it may read what they wrote) and by the caller before it commits.
     */
    void flush(Connection c, List<TenantReport.Step> steps) throws SQLException {
        batch.flush(c);
        ledger.write(c, steps);
    }

    /**
     * Writes the reports added since the last flush as far as another transaction may still
     * be open before them: history and stage, not {@code tenants} ({@link ReportBatch#stage}).
     * {@link #flush} does the rest.
     */
    void stage(Connection c) throws SQLException {
        batch.stage(c);
    }

    /** Forgets reports not flushed yet: the caller's transaction rolled back and starts over. */
    void discardPending() {
        batch.clear();
        ledger.clear();
    }

    /** Keeps the newest description per tenant (a late answer to an old request does not replace a newer one). */
    private void described(Connection c, TenantDescribed e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tenant_descriptions (tenant, request_id,"
                + " fingerprint, description, agent, described_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant) DO UPDATE SET request_id = EXCLUDED.request_id,"
                + " fingerprint = EXCLUDED.fingerprint, description = EXCLUDED.description, agent = EXCLUDED.agent,"
                + " described_at = EXCLUDED.described_at"
                + " WHERE tenant_descriptions.described_at <= EXCLUDED.described_at")) {
            s.setString(1, e.tenant());
            s.setString(2, e.requestId());
            s.setString(3, e.fingerprint());
            s.setString(4, e.description());
            s.setString(5, e.agent());
            s.setObject(6, ts(e.at()));
            s.executeUpdate();
        }
    }

    /**
     * An agent's newest heartbeat. {@code heard_at} is the broker's time for the record where
     * the reports topic stamps appends ({@code LogAppendTime}, as the coordinator creates it),
     * so an agent's age never depends on its own clock; it is in the log, so a rebuild writes
     * the same value.
     */
    private void heartbeat(Connection c, ConsumerRecord<byte[], byte[]> record, AgentHeartbeat e) throws SQLException {
        Instant heard = record.timestampType() == TimestampType.LOG_APPEND_TIME
                ? Instant.ofEpochMilli(record.timestamp()) : e.at();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO agents (id, tenants, started_at, last_heartbeat_at,"
                + " heard_at, version, refused_events, last_refusal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET tenants = EXCLUDED.tenants, started_at = EXCLUDED.started_at,"
                + " last_heartbeat_at = EXCLUDED.last_heartbeat_at, heard_at = EXCLUDED.heard_at,"
                + " version = EXCLUDED.version, refused_events = EXCLUDED.refused_events,"
                + " last_refusal = EXCLUDED.last_refusal")) {
            s.setString(1, e.agent());
            s.setInt(2, e.tenants());
            s.setObject(3, ts(e.startedAt()));
            s.setObject(4, ts(e.at()));
            s.setObject(5, ts(heard));
            s.setString(6, e.version());
            s.setLong(7, e.refusedEvents());
            s.setString(8, e.lastRefusal());
            s.executeUpdate();
        }
    }

    static void history(Connection c, ConsumerRecord<byte[], byte[]> record, String tenant, Instant at,
                                String type, String state, String heads, String steps, String error, String agent)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tenant_events (topic, partition, \"offset\","
                + " tenant, at, type, state, heads, steps, error, agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            s.setString(1, record.topic());
            s.setInt(2, record.partition());
            s.setLong(3, record.offset());
            s.setString(4, tenant);
            s.setObject(5, ts(at));
            s.setString(6, type);
            s.setString(7, state);
            s.setString(8, heads);
            s.setString(9, steps);
            s.setString(10, error);
            s.setString(11, agent);
            s.executeUpdate();
        }
    }

    /** Records {@code record} as poison {@code unprojectable}: valid, but the database refuses a value in it. */
    boolean unprojectable(Connection c, ConsumerRecord<byte[], byte[]> record, String reason) throws SQLException {
        return poison(c, record, "unprojectable", reason);
    }

    private static boolean poison(Connection c, ConsumerRecord<byte[], byte[]> record, String kind, String reason)
            throws SQLException {
        LOG.warn("skipping record {}-{}@{}: {}: {}", record.topic(), record.partition(), record.offset(), kind, reason);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO poison_records (topic, partition, \"offset\", kind,"
                + " reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, record.topic());
            s.setInt(2, record.partition());
            s.setLong(3, record.offset());
            s.setString(4, kind);
            s.setString(5, reason);
            s.executeUpdate();
        }
        return true;
    }

    static OffsetDateTime ts(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
