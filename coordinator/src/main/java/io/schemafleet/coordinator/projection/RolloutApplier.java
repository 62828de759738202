package io.schemafleet.coordinator.projection;

import io.schemafleet.coordinator.rollout.RolloutRow;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RolloutAborted;
import io.schemafleet.protocol.event.RolloutCompleted;
import io.schemafleet.protocol.event.RolloutHalted;
import io.schemafleet.protocol.event.RolloutPaused;
import io.schemafleet.protocol.event.RolloutResumed;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantPinned;
import io.schemafleet.protocol.event.TenantUnpinned;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.event.WaveConverged;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The rollout engine's part of the projection: rollout states, wave admission and
 * convergence times, pins, tenants' labels. Each transition simply sets what it says
 * (the writer validated it before appending; compaction may drop intermediate ones),
 * so a replay ends in the same rows. Values come from the events, never the clock.
 */
final class RolloutApplier {

    /** After the rollout's row is inserted: supersede the active ones; a rollout without waves admits everyone. */
    void started(Connection c, Envelope envelope, RolloutStarted e) throws SQLException {
        update(c, "UPDATE rollouts SET state = 'superseded', ended_at = ? WHERE id <> ?"
                + " AND state IN ('running', 'paused', 'halted')", RecordApplier.ts(envelope.at()), e.rolloutId());
        if (e.waves().isEmpty()) {
            admit(c, e.rolloutId(), RolloutRow.WHOLE_FLEET, 0, envelope.at());
        }
    }

    void apply(Connection c, ConsumerRecord<byte[], byte[]> record, Envelope envelope, EventBody body)
            throws SQLException {
        Object at = RecordApplier.ts(envelope.at());
        if (body instanceof WaveAdmitted e) {
            admit(c, e.rolloutId(), e.wave(), e.index(), envelope.at());
        } else if (body instanceof WaveConverged e) {
            update(c, "UPDATE rollout_waves SET converged_at = ? WHERE rollout_id = ? AND idx = ?"
                    + " AND converged_at IS NULL", at, e.rolloutId(), e.index());
        } else if (body instanceof RolloutHalted e) {
            update(c, "UPDATE rollouts SET state = 'halted', halt_reason = ?, halted_wave = ?, ended_at = ?"
                    + " WHERE id = ?", e.reason(), e.wave(), at, e.rolloutId());
        } else if (body instanceof RolloutPaused e) {
            state(c, e.rolloutId(), "paused", null);
        } else if (body instanceof RolloutResumed e) {
            state(c, e.rolloutId(), "running", null);
        } else if (body instanceof RolloutAborted e) {
            state(c, e.rolloutId(), "aborted", at);
        } else if (body instanceof RolloutCompleted e) {
            state(c, e.rolloutId(), "completed", at);
        } else if (body instanceof TenantPinned e) {
            update(c, "INSERT INTO pins (tenant, destination, pinned_at, requested_by) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (tenant) DO UPDATE SET destination = EXCLUDED.destination,"
                    + " pinned_at = EXCLUDED.pinned_at, requested_by = EXCLUDED.requested_by",
                    e.tenant(), e.to(), at, e.requestedBy());
            // Where it is pinned, in the heads column: where the tenant is to stay.
            RecordApplier.history(c, record, e.tenant(), envelope.at(), envelope.type().code(), null, e.to(), null,
                    null, null);
        } else if (body instanceof TenantUnpinned e) {
            update(c, "DELETE FROM pins WHERE tenant = ?", e.tenant());
            RecordApplier.history(c, record, e.tenant(), envelope.at(), envelope.type().code(), null, null, null,
                    null, null);
        }
    }

    private static void admit(Connection c, String rollout, String wave, int index, Instant at) throws SQLException {
        update(c, "INSERT INTO rollout_waves (rollout_id, idx, name, admitted_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING", rollout, index, wave, RecordApplier.ts(at));
        update(c, "UPDATE rollouts SET admitted = GREATEST(admitted, ?) WHERE id = ?", index + 1, rollout);
    }

    private static void state(Connection c, String rollout, String state, Object endedAt) throws SQLException {
        update(c, "UPDATE rollouts SET state = ?, ended_at = ? WHERE id = ?", state, endedAt, rollout);
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }
}
