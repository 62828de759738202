package io.schemafleet.coordinator.projection;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant rows and history rows of a run of consecutive {@code TenantReport}s, written
 * in a few round trips however long the run, all by COPY, PostgreSQL's cheapest way in:
 * every reported tenant (only its last report in the run: each report replaces the whole
 * row, so the earlier ones would be overwritten anyway) into a temporary table and from
 * there, in one upsert, into {@code tenants}; and every report's history row straight into
 * {@code tenant_events} ({@link Rows}). The caller flushes before anything that reads or
 * writes the same rows (any other event) and at the end of its transaction.
 *
 * <p>A flush is two halves: {@link #stage} writes nothing another transaction reads or
 * locks (history rows, whose keys are their own offsets, and the session's stage), so it
 * may run while the transaction before is still open; {@link #upsert} then moves the staged
 * rows into {@code tenants}, which must wait for it.
 */
final class ReportBatch {
    private static final String COLUMNS = "id, heads, state, destination, rollout_id, error_code, error_revision,"
            + " error_sqlstate, error_message, fingerprint, attempts, agent, last_report_at, last_seen_at, labels, bucket,"
            + " retry_offset";
    /** The session's own table of reported tenant rows on their way into {@code tenants}; emptied at every commit. */
    private static final String STAGE = "schemafleet_reported_tenants";
    private static final String CREATE_STAGE = "CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGE
            + " ON COMMIT DELETE ROWS AS SELECT " + COLUMNS + " FROM tenants WITH NO DATA";
    private static final String COPY_TENANTS = "COPY " + STAGE + " (" + COLUMNS + ") FROM STDIN";
    /** The upsert, then the stage emptied for the next run of reports in the same transaction. */
    private static final String UPSERT_TENANTS = "INSERT INTO tenants (" + COLUMNS + ") SELECT " + COLUMNS
            + " FROM " + STAGE
            + " ON CONFLICT (id) DO UPDATE SET heads = EXCLUDED.heads, state = EXCLUDED.state,"
            + " destination = EXCLUDED.destination, rollout_id = EXCLUDED.rollout_id,"
            + " error_code = EXCLUDED.error_code, error_revision = EXCLUDED.error_revision,"
            + " error_sqlstate = EXCLUDED.error_sqlstate, error_message = EXCLUDED.error_message,"
            + " fingerprint = EXCLUDED.fingerprint, attempts = EXCLUDED.attempts, agent = EXCLUDED.agent,"
            + " last_report_at = EXCLUDED.last_report_at, last_seen_at = EXCLUDED.last_seen_at,"
            + " labels = EXCLUDED.labels, bucket = EXCLUDED.bucket, retry_offset = EXCLUDED.retry_offset;\n"
            + "DELETE FROM " + STAGE;
    /**
     * History rows only ever append (their key is the record's place in the log, and the
     * offsets commit with them), so they need no conflict check.
     */
    private static final String COPY_EVENTS = "COPY tenant_events (topic, partition, \"offset\", tenant, at,"
            + " type, state, heads, steps, error, agent) FROM STDIN";
    /** COPY data is sent in messages of about this many bytes. */
    private static final int COPY_CHUNK = 64 * 1024;

    /** A tenant row as a report writes it. */
    record TenantRow(String id, String heads, String state, String destination, String rolloutId, String errorCode,
                     String errorRevision, String errorSqlstate, String errorMessage, String fingerprint, int attempts,
                     String agent, Instant lastReportAt, Instant lastSeenAt, String labelsJson, Integer bucket,
                     Long retryOffset) {
        byte[] copyLine() {
            return copyLineOf(id, heads, state, destination, rolloutId, errorCode, errorRevision, errorSqlstate,
                    errorMessage, fingerprint, attempts, agent, text(lastReportAt), text(lastSeenAt), labelsJson, bucket,
                    retryOffset);
        }
    }

    /** A row of a tenant's history. */
    record EventRow(String topic, int partition, long offset, String tenant, Instant at, String type, String state,
                    String heads, String steps, String error, String agent) {
        byte[] copyLine() {
            return copyLineOf(topic, partition, offset, tenant, text(at), type, state, heads, steps, error, agent);
        }
    }

    /**
     * A report's two rows as lines of COPY data. Made where the record is decoded
     * ({@link RecordApplier#prepare}), so that escaping every value, half of writing a batch
     * on the projection's thread when the driver did it, overlaps the database's work on the
     * batch before.
     */
    record Rows(String tenant, byte[] tenantLine, byte[] eventLine) {
        static Rows of(TenantRow tenant, EventRow event) {
            return new Rows(tenant.id(), tenant.copyLine(), event.copyLine());
        }
    }

    private final Map<String, Rows> tenants = new LinkedHashMap<>();
    private final List<Rows> events = new ArrayList<>();
    /** Whether the stage holds rows not yet upserted. */
    private boolean staged;

    void add(Rows rows) {
        tenants.remove(rows.tenant()); // keeps the map in report order, so upserts happen in log order
        tenants.put(rows.tenant(), rows);
        events.add(rows);
    }

    /** Forgets what was added and staged (a rolled-back transaction starts over). */
    void clear() {
        tenants.clear();
        events.clear();
        staged = false;
    }

    /** Writes what was added, if anything, and forgets it. */
    void flush(Connection c) throws SQLException {
        stage(c);
        upsert(c);
    }

    /**
     * The first half of {@link #flush}: the history rows into {@code tenant_events} and the
     * tenant rows into the stage; {@code tenants} is not touched until {@link #upsert}.
     */
    void stage(Connection c) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try {
            try (Statement st = c.createStatement()) {
                st.execute(CREATE_STAGE);
            }
            copy(c, COPY_TENANTS, tenants.values().stream().map(Rows::tenantLine).toList());
            copy(c, COPY_EVENTS, events.stream().map(Rows::eventLine).toList());
            staged = true;
        } finally {
            tenants.clear();
            events.clear();
        }
    }

    /** The second half of {@link #flush}: the staged tenant rows into {@code tenants}, if any. */
    void upsert(Connection c) throws SQLException {
        if (!staged) {
            return;
        }
        staged = false;
        try (Statement st = c.createStatement()) {
            st.execute(UPSERT_TENANTS);
        }
    }

    /** Sends {@code lines} of COPY text data to {@code sql}, a {@code COPY ... FROM STDIN}. */
    private static void copy(Connection c, String sql, List<byte[]> lines) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(COPY_CHUNK + 1024);
            for (byte[] line : lines) {
                chunk.writeBytes(line);
                if (chunk.size() >= COPY_CHUNK) {
                    in.writeToCopy(chunk.toByteArray(), 0, chunk.size());
                    chunk.reset();
                }
            }
            if (chunk.size() > 0) {
                in.writeToCopy(chunk.toByteArray(), 0, chunk.size());
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * The values as a line of COPY's text format: tab-separated, {@code \N} for null, and
     * backslash, newline, carriage return and tab escaped with a backslash.
     */
    private static byte[] copyLineOf(Object... values) {
        StringBuilder line = new StringBuilder(256);
        for (int v = 0; v < values.length; v++) {
            if (v > 0) {
                line.append('\t');
            }
            if (values[v] == null) {
                line.append("\\N");
                continue;
            }
            String text = values[v].toString();
            if (plain(text)) {
                line.append(text);
                continue;
            }
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                switch (ch) {
                    case '\\' -> line.append("\\\\");
                    case '\n' -> line.append("\\n");
                    case '\r' -> line.append("\\r");
                    case '\t' -> line.append("\\t");
                    default -> line.append(ch);
                }
            }
        }
        return line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code text} needs no escape in COPY data (most values: they are copied whole). */
    private static boolean plain(String text) {
        return text.indexOf('\\') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0 && text.indexOf('\t') < 0;
    }

    private static String text(Instant at) {
        return at == null ? null : TimestampText.of(at);
    }
}
