package io.schemafleet.coordinator.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant rows and history rows of a run of consecutive {@code TenantReport}s, written
 * with two statements instead of two per report: one upsert of every reported tenant
 * (only its last report in the run: each report replaces the whole row, so the earlier
 * ones would be overwritten anyway) and one insert of every report's history row. Each
 * takes its values as arrays, so the text, and the server's plan, is the same for a run
 * of any length. The caller flushes before anything that reads or writes the same rows
 * (any other event) and at the end of its transaction.
 */
final class ReportBatch {
    private static final String UPSERT_TENANTS = "INSERT INTO tenants (id, heads, state, destination, rollout_id,"
            + " error_code, error_revision, error_sqlstate, error_message, fingerprint, attempts, agent,"
            + " last_report_at, last_seen_at, labels, bucket)"
            + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::timestamptz[], ?::timestamptz[],"
            + " ?::text[]::jsonb[], ?::smallint[])"
            + " ON CONFLICT (id) DO UPDATE SET heads = EXCLUDED.heads, state = EXCLUDED.state,"
            + " destination = EXCLUDED.destination, rollout_id = EXCLUDED.rollout_id,"
            + " error_code = EXCLUDED.error_code, error_revision = EXCLUDED.error_revision,"
            + " error_sqlstate = EXCLUDED.error_sqlstate, error_message = EXCLUDED.error_message,"
            + " fingerprint = EXCLUDED.fingerprint, attempts = EXCLUDED.attempts, agent = EXCLUDED.agent,"
            + " last_report_at = EXCLUDED.last_report_at, last_seen_at = EXCLUDED.last_seen_at,"
            + " labels = EXCLUDED.labels, bucket = EXCLUDED.bucket";
    private static final String INSERT_EVENTS = "INSERT INTO tenant_events (topic, partition, \"offset\", tenant, at,"
            + " type, state, heads, steps, error, agent)"
            + " SELECT * FROM unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::timestamptz[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING";

    /** A tenant row as a report writes it. */
    record TenantRow(String id, String heads, String state, String destination, String rolloutId, String errorCode,
                     String errorRevision, String errorSqlstate, String errorMessage, String fingerprint, int attempts,
                     String agent, Instant lastReportAt, Instant lastSeenAt, String labelsJson, Integer bucket) {
    }

    /** A row of a tenant's history. */
    record EventRow(String topic, int partition, long offset, String tenant, Instant at, String type, String state,
                    String heads, String steps, String error, String agent) {
    }

    private final Map<String, TenantRow> tenants = new LinkedHashMap<>();
    private final List<EventRow> events = new ArrayList<>();

    void add(TenantRow tenant, EventRow event) {
        tenants.remove(tenant.id()); // keeps the map in report order, so upserts happen in log order
        tenants.put(tenant.id(), tenant);
        events.add(event);
    }

    /** Forgets what was added (a rolled-back transaction starts over). */
    void clear() {
        tenants.clear();
        events.clear();
    }

    /** Writes what was added, if anything, and forgets it. */
    void flush(Connection c) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try {
            List<TenantRow> t = List.copyOf(tenants.values());
            try (PreparedStatement s = c.prepareStatement(UPSERT_TENANTS)) {
                s.setArray(1, c.createArrayOf("text", t.stream().map(TenantRow::id).toArray()));
                s.setArray(2, c.createArrayOf("text", t.stream().map(TenantRow::heads).toArray()));
                s.setArray(3, c.createArrayOf("text", t.stream().map(TenantRow::state).toArray()));
                s.setArray(4, c.createArrayOf("text", t.stream().map(TenantRow::destination).toArray()));
                s.setArray(5, c.createArrayOf("text", t.stream().map(TenantRow::rolloutId).toArray()));
                s.setArray(6, c.createArrayOf("text", t.stream().map(TenantRow::errorCode).toArray()));
                s.setArray(7, c.createArrayOf("text", t.stream().map(TenantRow::errorRevision).toArray()));
                s.setArray(8, c.createArrayOf("text", t.stream().map(TenantRow::errorSqlstate).toArray()));
                s.setArray(9, c.createArrayOf("text", t.stream().map(TenantRow::errorMessage).toArray()));
                s.setArray(10, c.createArrayOf("text", t.stream().map(TenantRow::fingerprint).toArray()));
                s.setArray(11, c.createArrayOf("int4", t.stream().map(TenantRow::attempts).toArray()));
                s.setArray(12, c.createArrayOf("text", t.stream().map(TenantRow::agent).toArray()));
                s.setArray(13, c.createArrayOf("text", t.stream().map(r -> text(r.lastReportAt())).toArray()));
                s.setArray(14, c.createArrayOf("text", t.stream().map(r -> text(r.lastSeenAt())).toArray()));
                s.setArray(15, c.createArrayOf("text", t.stream().map(TenantRow::labelsJson).toArray()));
                s.setArray(16, c.createArrayOf("int2", t.stream().map(TenantRow::bucket).toArray()));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(INSERT_EVENTS)) {
                s.setArray(1, c.createArrayOf("text", events.stream().map(EventRow::topic).toArray()));
                s.setArray(2, c.createArrayOf("int4", events.stream().map(EventRow::partition).toArray()));
                s.setArray(3, c.createArrayOf("int8", events.stream().map(EventRow::offset).toArray()));
                s.setArray(4, c.createArrayOf("text", events.stream().map(EventRow::tenant).toArray()));
                s.setArray(5, c.createArrayOf("text", events.stream().map(r -> text(r.at())).toArray()));
                s.setArray(6, c.createArrayOf("text", events.stream().map(EventRow::type).toArray()));
                s.setArray(7, c.createArrayOf("text", events.stream().map(EventRow::state).toArray()));
                s.setArray(8, c.createArrayOf("text", events.stream().map(EventRow::heads).toArray()));
                s.setArray(9, c.createArrayOf("text", events.stream().map(EventRow::steps).toArray()));
                s.setArray(10, c.createArrayOf("text", events.stream().map(EventRow::error).toArray()));
                s.setArray(11, c.createArrayOf("text", events.stream().map(EventRow::agent).toArray()));
                s.executeUpdate();
            }
        } finally {
            clear();
        }
    }

    /** ISO-8601 with the offset, which PostgreSQL reads as timestamptz at full precision. */
    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
