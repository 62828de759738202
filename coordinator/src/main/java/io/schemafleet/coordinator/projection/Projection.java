package io.schemafleet.coordinator.projection;

import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.app.EventTrust;
import io.schemafleet.coordinator.app.KafkaClients;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.topic.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the coordinator's tables a projection of the event log. One consumer thread
 * reads every partition of the three topics (assigned, no consumer group,
 * {@code read_committed}) from the offsets stored in {@code consumed_offsets}, or from
 * the beginning when there are none. Each poll's records are applied
 * ({@link RecordApplier}) and the new positions stored in ONE database transaction, so
 * the tables and the offsets never disagree: a crash replays the last batch or nothing.
 * Two batches are in flight: while one is written, the next poll's records are decoded
 * and their signatures verified by two more threads, each a share of them, so that this
 * work, about half of a report's cost, overlaps the database's (docs/benchmarks.md).
 *
 * <p>A database failure rolls the batch back, rewinds the consumer to the stored
 * positions, and tries again after a pause; a bad record never stops it (it is recorded
 * as poison and skipped). A batch that failed on a value the database refuses (a data
 * exception) is applied again at once record by record, and the record at fault becomes
 * poison {@code unprojectable}.
 */
@Singleton
public class Projection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Projection.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long RETRY_PAUSE_MS = 1000;
    /** Threads decoding a poll's records, each a share of them. */
    private static final int DECODERS = 2;
    /** A poll smaller than two of these is decoded by one thread. */
    private static final int MIN_DECODER_SHARE = 256;

    private final KafkaClients clients;
    private final TransactionOperations<Connection> tx;
    private final Topics topics;
    private final RecordApplier applier;
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    /** The log end (last stable offset) per partition, as the consumer last heard it. */
    private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
    private final List<StepObserver> stepObservers;
    private final Object progress = new Object();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    private volatile boolean running;
    /**
     * Partitions whose records are applied one by one until the projection is past this
     * offset: a batch there failed on a value. Kept per partition because after a rewind the
     * next poll may bring another partition's records (a heartbeat) first.
     */
    private final Map<TopicPartition, Long> carefulUntil = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    /** Decodes and verifies a poll's records ({@link RecordApplier#prepare}) while the batch before is written. */
    private ExecutorService decoder;
    private Thread thread;

    public Projection(CoordinatorConfig config, KafkaClients clients, TransactionOperations<Connection> tx,
                      List<StepObserver> stepObservers, EventTrust trust) {
        this.clients = clients;
        this.stepObservers = List.copyOf(stepObservers);
        this.tx = tx;
        this.topics = config.topics();
        this.applier = new RecordApplier(topics, trust.policy());
    }

    /** Assigns every partition of the three topics and starts consuming. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = clients.readCommittedConsumer("projection");
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.revisions(), topics.rollouts(), topics.reports())) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> stored = tx.executeRead(status -> storedOffsets(status.getConnection()));
        for (TopicPartition tp : partitions) {
            Long next = stored.get(tp);
            if (next == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, next);
                applied.put(tp, next);
            }
        }
        LOG.info("projection starts on {} partitions ({} with stored offsets)", partitions.size(), stored.size());
        running = true;
        decoder = Executors.newFixedThreadPool(DECODERS, r -> {
            Thread t = new Thread(r, "schemafleet-projection-decoder");
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::run, "schemafleet-projection");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until every record before {@code offset} in {@code partition} is applied and
     * committed (so reads see it).
     *
     * @throws TimeoutException if that takes longer than {@code timeout}
     */
    public void awaitApplied(TopicPartition partition, long offset, Duration timeout)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (applied.getOrDefault(partition, -1L) < offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("the projection has not reached " + partition + " offset " + offset
                            + " (it is at " + applied.getOrDefault(partition, -1L) + ")");
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Calls {@code listener} on the projection thread after each committed batch that
     * applied records (not after a quiet poll). It must return at once (set a flag, wake
     * a thread): the projection waits for it.
     *
     * @return closing it removes the listener
     */
    public AutoCloseable onChange(Runnable listener) {
        changeListeners.add(listener);
        return () -> changeListeners.remove(listener);
    }

    /** The next offset to apply, per partition, as committed. */
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(applied);
    }

    /**
     * Records in the log not yet applied, per topic: the log end the consumer last heard of
     * minus what is committed. Partitions whose end is not known yet count nothing.
     */
    public Map<String, Long> lag() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String topic : List.of(topics.revisions(), topics.rollouts(), topics.reports())) {
            out.put(topic, 0L);
        }
        ends.forEach((tp, end) -> out.merge(tp.topic(), Math.max(0, end - applied.getOrDefault(tp, 0L)), Long::sum));
        return out;
    }

    /**
     * A poll's records on their way to the database: decoded on the decoding thread while
     * the projection thread writes the batch before it. {@code next} is the position after
     * the poll of every partition that moved since the last commit.
     */
    private record Batch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> next,
                         List<Future<List<PreparedRecord>>> prepared) {
        void cancel() {
            prepared.forEach(f -> f.cancel(false));
        }
    }

    private void run() {
        Batch pending = null;
        try {
            while (running) {
                // While a batch waits to be written, only collect what the consumer already fetched.
                Batch polled = poll(pending == null ? POLL : Duration.ZERO, pending);
                if (pending != null && !write(pending)) {
                    if (polled != null) {
                        polled.cancel(); // read past the rewind: it comes again
                    }
                    polled = null;
                }
                pending = polled;
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("projection stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            decoder.shutdownNow();
        }
    }

    /**
     * Polls and hands the records to the decoding thread; null when nothing moved beyond
     * {@code pending} (the batch polled before, not yet written).
     */
    private Batch poll(Duration timeout, Batch pending) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        Map<TopicPartition, Long> next = new HashMap<>();
        boolean moved = false;
        for (TopicPartition tp : consumer.assignment()) {
            long position = consumer.position(tp);
            Long committed = applied.get(tp);
            if (!Long.valueOf(position).equals(committed)) {
                next.put(tp, position);
            }
            Long before = pending == null ? committed : pending.next().getOrDefault(tp, committed);
            moved |= !Long.valueOf(position).equals(before);
            // Known from the last fetch response, so free: no request to the broker.
            java.util.OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                ends.put(tp, position + lag.getAsLong());
            }
        }
        if (records.isEmpty() && !moved) {
            return null;
        }
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.count());
        records.forEach(all::add);
        int share = Math.max(MIN_DECODER_SHARE, (all.size() + DECODERS - 1) / DECODERS);
        List<Future<List<PreparedRecord>>> parts = new ArrayList<>(DECODERS);
        for (int from = 0; from < all.size() || parts.isEmpty(); from += share) {
            List<ConsumerRecord<byte[], byte[]>> part = all.subList(from, Math.min(all.size(), from + share));
            parts.add(decoder.submit(() -> {
                List<PreparedRecord> out = new ArrayList<>(part.size());
                for (ConsumerRecord<byte[], byte[]> record : part) {
                    out.add(applier.prepare(record));
                }
                return out;
            }));
        }
        return new Batch(records, next, parts);
    }

    /**
     * Writes {@code batch} and its positions in one transaction. Returns false if it failed:
     * the consumer is then rewound to the committed positions.
     */
    private boolean write(Batch batch) throws InterruptedException {
        ConsumerRecords<byte[], byte[]> records = batch.records();
        List<TenantReport.Step> steps = new ArrayList<>();
        boolean oneByOne = !carefulUntil.isEmpty();
        try {
            List<PreparedRecord> prepared = prepared(batch);
            tx.executeWrite(status -> {
                steps.clear(); // a retried batch starts over
                applyBatch(status.getConnection(), records, prepared, batch.next(), steps, oneByOne);
                return null;
            });
            carefulUntil.entrySet().removeIf(e -> batch.next().getOrDefault(e.getKey(),
                    applied.getOrDefault(e.getKey(), 0L)) >= e.getValue());
        } catch (Exception e) { // not just RuntimeException: the transaction rethrows SQLException as it is
            if (!running) {
                return false;
            }
            rewind();
            if (!oneByOne && dataException(e) != null) {
                // A value the database refuses: find the record, one savepoint each, and skip it.
                LOG.warn("projection batch of {} records failed on a value ({}); applying it record by record",
                        records.count(), dataException(e).getMessage());
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> in = records.records(tp);
                    carefulUntil.put(tp, in.get(in.size() - 1).offset() + 1);
                }
                return false;
            }
            LOG.error("projection batch of {} records failed; rewinding and retrying in {} ms: {}",
                    records.count(), RETRY_PAUSE_MS, e.toString());
            Thread.sleep(RETRY_PAUSE_MS);
            return false;
        }
        synchronized (progress) {
            applied.putAll(batch.next());
            progress.notifyAll();
        }
        // Only after the commit: a rolled-back batch is applied again and must not count twice.
        for (TenantReport.Step step : steps) {
            stepObservers.forEach(o -> o.stepApplied(step));
        }
        if (!records.isEmpty()) {
            changed();
        }
        return true;
    }

    private static List<PreparedRecord> prepared(Batch batch) throws InterruptedException {
        try {
            List<PreparedRecord> out = new ArrayList<>(batch.records().count());
            for (Future<List<PreparedRecord>> part : batch.prepared()) {
                out.addAll(part.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding the batch failed: " + e.getCause(), e.getCause());
        }
    }

    private void changed() {
        for (Runnable listener : changeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a projection change listener failed: {}", e.toString());
            }
        }
    }

    private void applyBatch(Connection c, ConsumerRecords<byte[], byte[]> records, List<PreparedRecord> prepared,
                            Map<TopicPartition, Long> next, List<TenantReport.Step> steps, boolean oneByOne)
            throws SQLException {
        int poison = 0;
        applier.discardPending();
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PreparedRecord p = prepared.get(i++);
            if (oneByOne ? applyAlone(c, record, p, steps) : applier.apply(c, record, p, steps)) {
                poison++;
            }
        }
        applier.flush(c);
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
        if (!records.isEmpty()) {
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
            applier.flush(c); // reports are batched: write this one now, inside its savepoint
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

    /** The SQL data exception (SQLSTATE class 22) in {@code e}'s causes, or null. */
    private static SQLException dataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return sql;
            }
        }
        return null;
    }

    private void rewind() {
        for (TopicPartition tp : consumer.assignment()) {
            Long position = applied.get(tp);
            if (position == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, position);
            }
        }
    }

    private static Map<TopicPartition, Long> storedOffsets(Connection c) throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT topic, partition, next_offset FROM consumed_offsets");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return out;
    }

    /** Stops the consumer thread and waits for it (a batch in flight commits or rolls back first). */
    @Override
    @PreDestroy
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        consumer.wakeup();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
