package io.schemafleet.coordinator.projection;

import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.TenantReport;

/**
 * What one record of the log comes to before the database is involved: decoded, its
 * topic checked, its signature verified where the topic is signed, and a report's rows
 * built. {@link RecordApplier#prepare} makes these off the projection's transaction, so
 * that this work overlaps the writing of the previous batch.
 */
sealed interface PreparedRecord {

    /** A null value: compaction's business, not an event. */
    record Tombstone() implements PreparedRecord {
    }

    /** A record to record in {@code poison_records} and skip. */
    record Poison(String kind, String reason) implements PreparedRecord {
    }

    /** A {@code TenantReport}, with the rows it writes (batched with the reports around it). */
    record Report(TenantReport report, ReportBatch.Rows rows) implements PreparedRecord {
    }

    /** Any other event. */
    record Event(Envelope envelope, EventBody body) implements PreparedRecord {
    }
}
