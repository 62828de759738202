package io.schemafleet.coordinator.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
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
 * of any length ({@link Rows}). The caller flushes before anything that reads or writes the same rows
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
        List<String> elements() {
            return elementsOf(id, heads, state, destination, rolloutId, errorCode, errorRevision, errorSqlstate,
                    errorMessage, fingerprint, attempts, agent, text(lastReportAt), text(lastSeenAt), labelsJson, bucket);
        }
    }

    /** A row of a tenant's history. */
    record EventRow(String topic, int partition, long offset, String tenant, Instant at, String type, String state,
                    String heads, String steps, String error, String agent) {
        List<String> elements() {
            return elementsOf(topic, partition, offset, tenant, text(at), type, state, heads, steps, error, agent);
        }
    }

    /**
     * A report's two rows as elements of the array literals the statements take, one per
     * column. Made where the record is decoded ({@link RecordApplier#prepare}), so that
     * quoting every value, half of writing a batch on the projection's thread when the
     * driver did it, overlaps the database's work on the batch before.
     */
    record Rows(String tenant, List<String> tenantElements, List<String> eventElements) {
        static Rows of(TenantRow tenant, EventRow event) {
            return new Rows(tenant.id(), tenant.elements(), event.elements());
        }
    }

    private final Map<String, Rows> tenants = new LinkedHashMap<>();
    private final List<Rows> events = new ArrayList<>();

    void add(Rows rows) {
        tenants.remove(rows.tenant()); // keeps the map in report order, so upserts happen in log order
        tenants.put(rows.tenant(), rows);
        events.add(rows);
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
            execute(c, UPSERT_TENANTS, tenants.values().stream().map(Rows::tenantElements).toList());
            execute(c, INSERT_EVENTS, events.stream().map(Rows::eventElements).toList());
        } finally {
            clear();
        }
    }

    /** Runs {@code sql} with one array literal per column, made of the rows' elements. */
    private static void execute(Connection c, String sql, List<List<String>> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int columns = rows.get(0).size();
            for (int column = 0; column < columns; column++) {
                StringBuilder literal = new StringBuilder(rows.size() * 16).append('{');
                for (int row = 0; row < rows.size(); row++) {
                    literal.append(row == 0 ? "" : ",").append(rows.get(row).get(column));
                }
                // Untyped, so the statement's own cast reads it (as the driver's arrays were read).
                s.setObject(column + 1, literal.append('}').toString(), Types.OTHER);
            }
            s.executeUpdate();
        }
    }

    /** Each value as an array literal's element: NULL, or double-quoted with quotes and backslashes escaped. */
    private static List<String> elementsOf(Object... values) {
        List<String> out = new ArrayList<>(values.length);
        for (Object value : values) {
            if (value == null) {
                out.add("NULL");
                continue;
            }
            String text = value.toString();
            StringBuilder e = new StringBuilder(text.length() + 2).append('"');
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch == '"' || ch == '\\') {
                    e.append('\\');
                }
                e.append(ch);
            }
            out.add(e.append('"').toString());
        }
        return out;
    }

    /** ISO-8601 with the offset, which PostgreSQL reads as timestamptz at full precision. */
    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
