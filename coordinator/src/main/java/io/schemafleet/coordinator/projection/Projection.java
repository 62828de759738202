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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
 * the tables and the offsets never disagree: a crash replays the batches not committed.
 * A poll's records are decoded and their signatures verified by two more threads, each a
 * share of them, while the batches before it are written, so that this work, about half
 * of a report's cost, overlaps the database's (docs/benchmarks.md).
 *
 * <p>Batches are written by two writer threads in turn ({@link BatchWriter}), each in its own
 * transaction on its own connection, and commit in log order: a writer waits for the batch before its own to
 * commit before it touches anything that batch may have written, and rolls back if that
 * batch did not commit. A batch of reports alone (the bulk of the log) first writes what
 * no other transaction reads or locks, its history rows and the session's stage, while the
 * batch before is still being written; so two PostgreSQL backends share the work.
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
    /** How long a poll waits while a batch is being written. */
    private static final Duration WRITING_POLL = Duration.ofMillis(10);
    private static final long RETRY_PAUSE_MS = 1000;
    /** Threads decoding a poll's records, each a share of them. */
    private static final int DECODERS = 2;
    /** Batches written at once, each by its own thread and connection (at most: they commit in turn). */
    private static final int WRITERS = 2;
    /** A poll smaller than two of these is decoded by one thread. */
    private static final int MIN_DECODER_SHARE = 256;

    private final KafkaClients clients;
    private final TransactionOperations<Connection> tx;
    private final Topics topics;
    /** Decodes ({@link RecordApplier#prepare} keeps no state). */
    private final RecordApplier applier;
    /** Taken in turn by the writer threads, one batch each. */
    private final BatchWriter[] batchWriters = new BatchWriter[WRITERS];
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
    private ExecutorService writerThreads;
    private Thread thread;

    public Projection(CoordinatorConfig config, KafkaClients clients, TransactionOperations<Connection> tx,
                      List<StepObserver> stepObservers, EventTrust trust) {
        this.clients = clients;
        this.stepObservers = List.copyOf(stepObservers);
        this.tx = tx;
        this.topics = config.topics();
        this.applier = new RecordApplier(topics, trust.policy());
        for (int w = 0; w < WRITERS; w++) {
            batchWriters[w] = new BatchWriter(tx, new RecordApplier(topics, trust.policy()));
        }
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
        writerThreads = Executors.newFixedThreadPool(WRITERS, r -> {
            Thread t = new Thread(r, "schemafleet-projection-writer");
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
     * A poll's records on their way to the database: decoded on the decoding threads while
     * the batches before it are written. {@code next} is the position after the poll of
     * every partition that moved since the last commit.
     */
    private record Batch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> next,
                         List<Future<List<PreparedRecord>>> prepared) {
        void cancel() {
            prepared.forEach(f -> f.cancel(false));
        }
    }

    /**
     * A batch handed to a writer; {@code written} completes with the steps it reported once
     * its transaction committed, or with its failure. The writer of the next batch waits on it.
     */
    private record InFlight(Batch batch, CompletableFuture<List<TenantReport.Step>> written) {
    }

    private void run() {
        Deque<InFlight> inFlight = new ArrayDeque<>();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        long submitted = 0;
        try {
            while (running) {
                InFlight oldest = inFlight.peekFirst();
                if (oldest != null && (inFlight.size() >= WRITERS || oldest.written().isDone())) {
                    if (!finish(inFlight.removeFirst())) {
                        drain(inFlight); // each rolls back: the batch before it did not commit
                        last = CompletableFuture.completedFuture(null);
                    }
                    continue;
                }
                InFlight newest = inFlight.peekLast();
                // With a batch being written, poll briefly: the next batch is handed over as soon as
                // it is fetched, and the written one finished soon after it commits.
                Batch polled = poll(newest == null ? POLL : WRITING_POLL, newest == null ? null : newest.batch());
                if (polled != null) {
                    InFlight handed = hand(polled, batchWriters[(int) (submitted++ % WRITERS)], last);
                    inFlight.addLast(handed);
                    last = handed.written();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("projection stopped: {}", e.toString(), e);
        } finally {
            drain(inFlight);
            consumer.close(Duration.ofSeconds(5));
            decoder.shutdownNow();
            writerThreads.shutdownNow();
        }
    }

    /**
     * Polls and hands the records to the decoding thread; null when nothing moved beyond
     * {@code pending} (the newest batch polled before, not yet written).
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

    /** Starts writing {@code batch} on a writer thread, to commit only after {@code previous} did. */
    private InFlight hand(Batch batch, BatchWriter writer, CompletableFuture<?> previous) {
        boolean oneByOne = !carefulUntil.isEmpty();
        return new InFlight(batch, CompletableFuture.supplyAsync(
                () -> writer.write(batch.records(), prepared(batch), batch.next(), previous, oneByOne), writerThreads));
    }

    /**
     * Waits for the oldest batch in flight. Committed: moves the positions on and tells the
     * observers. Not: rewinds the consumer to the committed positions and returns false.
     */
    private boolean finish(InFlight done) throws InterruptedException {
        Batch batch = done.batch();
        ConsumerRecords<byte[], byte[]> records = batch.records();
        List<TenantReport.Step> steps;
        try {
            steps = done.written().get();
        } catch (ExecutionException failed) {
            Throwable e = failed.getCause();
            if (!running) {
                return false;
            }
            rewind();
            if (BatchWriter.abandoned(e)) {
                return false;
            }
            SQLException refused = BatchWriter.dataException(e);
            if (carefulUntil.isEmpty() && refused != null) {
                // A value the database refuses: find the record, one savepoint each, and skip it.
                LOG.warn("projection batch of {} records failed on a value ({}); applying it record by record",
                        records.count(), refused.getMessage());
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
        carefulUntil.entrySet().removeIf(e -> batch.next().getOrDefault(e.getKey(),
                applied.getOrDefault(e.getKey(), 0L)) >= e.getValue());
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

    /** Waits for every batch in flight to be done with, committed or not; they are read again. */
    private static void drain(Deque<InFlight> inFlight) {
        for (InFlight f : inFlight) {
            f.batch().cancel();
            try {
                f.written().get();
            } catch (ExecutionException | CancellationException e) {
                // rolled back: read again after the rewind
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        inFlight.clear();
    }

    private static List<PreparedRecord> prepared(Batch batch) {
        try {
            List<PreparedRecord> out = new ArrayList<>(batch.records().count());
            for (Future<List<PreparedRecord>> part : batch.prepared()) {
                out.addAll(part.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding the batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the batch was decoded", e);
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
