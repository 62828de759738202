package io.schemafleet.coordinator.projection;

import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.graph.Direction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps a transaction's reports name by their rows in a tenant's history table
 * ({@link TenantReport.Step#identified}), counted once each in {@code tenant_steps}: a step
 * reported again (in the tenant's final report, sent again by an agent that could not know it
 * was heard, or a report delivered twice) finds its row there and counts no more. Written in
 * the half of a batch that waits for the batch before to commit, so that a step two batches
 * name counts in the earlier one and two writers never wait on each other's rows.
 */
final class StepLedger {
    private static final String INSERT = "INSERT INTO tenant_steps AS s (tenant, history_id, started_at,"
            + " revision, direction, duration_ms, agent, partition, \"offset\")"
            + " SELECT tenant, history_id, started_at::timestamptz, revision, direction, duration_ms, agent, p, o"
            + " FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],"
            + " ?::integer[], ?::bigint[])"
            + " AS u(tenant, history_id, started_at, revision, direction, duration_ms, agent, p, o)"
            + " ON CONFLICT (tenant, history_id, started_at) DO NOTHING"
            + " RETURNING s.revision, s.direction, s.duration_ms";

    /** One step of a report, with where it came from. */
    private record Named(String tenant, String agent, int partition, long offset, TenantReport.Step step) {
    }

    private final List<Named> pending = new ArrayList<>();

    /** Adds the identified steps of a report at {@code partition} and {@code offset} of the reports topic. */
    void add(TenantReport report, int partition, long offset) {
        for (TenantReport.Step step : report.steps()) {
            if (step.identified()) {
                pending.add(new Named(report.tenant(), report.agent(), partition, offset, step));
            }
        }
    }

    /** Forgets what was added (a rolled-back transaction starts over). */
    void clear() {
        pending.clear();
    }

    /**
     * Writes the steps added since the last write and adds to {@code counted} those not
     * counted before (a step named twice among them counts once, where it was named first).
     */
    void write(Connection c, List<TenantReport.Step> counted) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        int n = pending.size();
        String[] tenants = new String[n];
        Long[] ids = new Long[n];
        String[] started = new String[n];
        String[] revisions = new String[n];
        String[] directions = new String[n];
        Long[] durations = new Long[n];
        String[] agents = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            Named s = pending.get(i);
            tenants[i] = s.tenant();
            ids[i] = s.step().historyId();
            started[i] = TimestampText.of(s.step().startedAt());
            revisions[i] = s.step().revision();
            directions[i] = s.step().direction().code();
            durations[i] = s.step().durationMs();
            agents[i] = s.agent();
            partitions[i] = s.partition();
            offsets[i] = s.offset();
        }
        pending.clear();
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            Object[][] columns = {tenants, ids, started, revisions, directions, durations, agents, partitions, offsets};
            for (int i = 0; i < columns.length; i++) {
                String type = columns[i] instanceof Long[] ? "bigint"
                        : columns[i] instanceof Integer[] ? "integer" : "text";
                s.setArray(i + 1, c.createArrayOf(type, columns[i]));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counted.add(new TenantReport.Step(rs.getString(1), Direction.ofCode(rs.getString(2)), rs.getLong(3)));
                }
            }
        }
    }

}
