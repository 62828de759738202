package io.schemafleet.coordinator.projection;

import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.protocol.event.TenantReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One of the projection's writers: writes a poll's records and the positions after it in
 * ONE transaction, on the calling thread and its own connection, and commits only after
 * the poll before it did ({@link Projection}). A poll of reports alone first writes what no
 * other transaction reads or locks ({@link RecordApplier#stage}); everything else waits.
 * Used by one thread at a time: its applier collects the reports of the transaction.
 */
final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final TransactionOperations<Connection> tx;
    private final RecordApplier applier;

    BatchWriter(TransactionOperations<Connection> tx, RecordApplier applier) {
        this.tx = tx;
        this.applier = applier;
    }

    /** Thrown in a writer whose batch must not commit because the batch before it did not. */
    static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("the batch before this one did not commit", null, false, false);
        }
    }

    /**
     * Writes {@code records} ({@link RecordApplier#prepare}d as {@code prepared}) and the
     * positions {@code next} in one transaction, and returns the steps they reported.
     * Throws {@link Abandoned} (rolled back) if {@code previous}, the writing of the batch
     * before, failed. {@code oneByOne} applies each record under a savepoint.
     */
    List<TenantReport.Step> write(ConsumerRecords<byte[], byte[]> records, List<PreparedRecord> prepared,
                                  Map<TopicPartition, Long> next, CompletableFuture<?> previous, boolean oneByOne) {
        boolean reportsOnly = !oneByOne && prepared.stream().allMatch(
                p -> p instanceof PreparedRecord.Report || p instanceof PreparedRecord.Tombstone);
        List<TenantReport.Step> steps = new ArrayList<>();
        tx.executeWrite(status -> {
            Connection c = status.getConnection();
            steps.clear(); // a retried batch starts over
            applier.discardPending();
            if (reportsOnly) {
                apply(c, records, prepared, steps, false);
                applier.stage(c);
            }
            if (previous.handle((done, failure) -> failure != null).join()) {
                throw new Abandoned();
            }
            if (!reportsOnly) {
                apply(c, records, prepared, steps, oneByOne);
            }
            applier.flush(c, steps);
            storeOffsets(c, next);
            return null;
        });
        return steps;
    }

    /** The SQL data exception (SQLSTATE class 22) in {@code e}'s causes, or null. */
    static SQLException dataException(Throwable e) {
        return cause(e, SQLException.class, sql -> sql.getSQLState() != null && sql.getSQLState().startsWith("22"));
    }

    /** Whether {@code e} or one of its causes is an {@link Abandoned}. */
    static boolean abandoned(Throwable e) {
        return cause(e, Abandoned.class, a -> true) != null;
    }

    /** The first of {@code e} and its causes that is a {@code type} and passes {@code test}, or null. */
    private static <T extends Throwable> T cause(Throwable e, Class<T> type, Predicate<T> test) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t) && test.test(type.cast(t))) {
                return type.cast(t);
            }
        }
        return null;
    }

    private void apply(Connection c, ConsumerRecords<byte[], byte[]> records, List<PreparedRecord> prepared,
                       List<TenantReport.Step> steps, boolean oneByOne) throws SQLException {
        int poison = 0;
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PreparedRecord p = prepared.get(i++);
            if (oneByOne ? applyAlone(c, record, p, steps) : applier.apply(c, record, p, steps)) {
                poison++;
            }
        }
        if (poison > 0) {
            LOG.debug("projected {} records ({} skipped as poison)", records.count(), poison);
        }
    }

    /**
     * Applies one record under a savepoint; a record the database refuses for its values
     * (SQLSTATE class 22: a NUL in a text, an out-of-range number, ...) is rolled back and
     * recorded as poison {@code unprojectable} instead of stopping the projection for good.
     * Any other failure fails the batch as usual.
     */
    private boolean applyAlone(Connection c, ConsumerRecord<byte[], byte[]> record, PreparedRecord prepared,
                               List<TenantReport.Step> steps) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        int stepsBefore = steps.size();
        try {
            boolean poison = applier.apply(c, record, prepared, steps);
            applier.flush(c, steps); // reports are batched: write this one now, inside its savepoint
            c.releaseSavepoint(savepoint);
            return poison;
        } catch (SQLException e) {
            if (dataException(e) == null) {
                throw e;
            }
            c.rollback(savepoint);
            applier.discardPending();
            steps.subList(stepsBefore, steps.size()).clear();
            return applier.unprojectable(c, record, "the database refused a value: SQLSTATE " + e.getSQLState()
                    + ": " + e.getMessage());
        }
    }

    private static void storeOffsets(Connection c, Map<TopicPartition, Long> next) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO consumed_offsets (topic, partition, next_offset)"
                + " VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                s.setString(1, e.getKey().topic());
                s.setInt(2, e.getKey().partition());
                s.setLong(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
