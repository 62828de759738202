package io.schemafleet.coordinator.publish;

import io.schemafleet.coordinator.app.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The coordinator's transactional producer, and what becomes of it when Kafka does not
 * answer (a network partition, a broker that aborted a transaction, another coordinator):
 * every refusal says whether anything was written.
 *
 * <ul>
 * <li>A commit Kafka did not confirm within {@code max.block.ms} may have reached the
 * broker; Kafka allows only retrying it or closing the producer. The producer is closed,
 * and the answer says the outcome is unknown.</li>
 * <li>A producer that cannot abort its transaction (in an error state: the broker aborted
 * the transaction after {@code transaction.timeout.ms}, say) is closed too.</li>
 * <li>{@link #settle()} starts a new one where there is none ({@code initTransactions}),
 * which completes or aborts whatever transaction the old one left; a start Kafka did not
 * answer is retried on the same producer, never by a second one whose late request could
 * fence it.</li>
 * <li>A producer fenced by another with the same {@code transactional.id} (a second
 * coordinator on these topics) is not replaced, which would fence that one back: this
 * one writes nothing more. Unless the transaction had outlived its timeout: a broker on
 * transaction version 1 fences such a producer when it aborts the transaction.</li>
 * </ul>
 *
 * <p>Not thread-safe: {@link EventWriter} calls it under its lock.
 */
final class TransactionalSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSender.class);

    /** How a refusal says that Kafka has none of the write, so that it may simply be sent again. */
    static final String NOTHING_WRITTEN = "nothing was written; try again";

    private final KafkaClients clients;
    private final String producerId;
    private final Duration transactionTimeout;
    private KafkaProducer<String, byte[]> producer;
    private boolean ready;
    /**
     * Set once another coordinator took the transactional id over: sticky, so as not to fence
     * it back. Volatile for {@link #fenced()}, which health checks read without the writer's lock.
     */
    private volatile boolean fenced;
    private boolean closed;

    TransactionalSender(KafkaClients clients, String producerId, Duration transactionTimeout) {
        this.clients = clients;
        this.producerId = producerId;
        this.transactionTimeout = transactionTimeout;
    }

    /**
     * Makes sure a producer is ready, starting one if there is none: after this, no
     * transaction of an earlier producer is in doubt, so the log read next is settled.
     *
     * @throws RequestRefused UNAVAILABLE if Kafka does not answer or another coordinator took over
     */
    void settle() {
        if (closed) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable",
                    "the coordinator is stopping (nothing was written)");
        }
        if (fenced) {
            throw fencedOff(null, "nothing was written");
        }
        if (producer == null) {
            producer = clients.transactionalProducer();
            ready = false;
        }
        if (ready) {
            return;
        }
        try {
            producer.initTransactions();
        } catch (TimeoutException | InterruptException e) {
            // Kafka allows calling it again; a second producer's request could meet this one's late.
            throw notStarted(e);
        } catch (RuntimeException e) {
            discard();
            throw notStarted(e);
        }
        ready = true;
        LOG.info("transactional producer {} ready", producerId);
    }

    /** Whether another coordinator took the transactional id over, so that this one writes no more. */
    boolean fenced() {
        return fenced;
    }

    private static RequestRefused notStarted(RuntimeException e) {
        return new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "cannot start a transactional"
                + " producer on Kafka: " + e.getMessage() + " (" + NOTHING_WRITTEN + ")", e);
    }

    /** One transaction under way: where to, since when, and whether its commit went out. */
    private record Attempt(String topic, long begun, boolean committing) {
        /** What a refusal of this attempt for a fencing says was written. */
        String outcome() {
            return committing ? "they may or may not be written: read the state back before trying again"
                    : NOTHING_WRITTEN;
        }
    }

    /**
     * Sends {@code records} to {@code topic} (one partition) in one transaction.
     *
     * @return the offset after the last of them
     * @throws RequestRefused UNAVAILABLE, saying whether anything was written
     */
    long send(String topic, List<ProducerRecord<String, byte[]>> records) {
        settle();
        KafkaProducer<String, byte[]> p = producer;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Attempt attempt = new Attempt(topic, System.nanoTime(), false);
        try {
            p.beginTransaction();
            for (ProducerRecord<String, byte[]> r : records) {
                sent.add(p.send(r));
            }
            attempt = new Attempt(topic, attempt.begun(), true);
            p.commitTransaction();
        } catch (ProducerFencedException e) {
            throw fencedOrExpired(attempt, e);
        } catch (TimeoutException | InterruptException e) {
            if (!attempt.committing()) {
                throw abortOrDiscard(attempt, e);
            }
            // Kafka allows only retrying such a commit or closing the producer: it may have reached the broker.
            discard();
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "Kafka did not confirm the"
                    + " commit of " + records.size() + " event(s) to " + topic + " (" + e.getMessage() + "): they may"
                    + " or may not be written. The coordinator settles that soon after Kafka answers again (its"
                    + " rollout engine writes at every tick): read the state back then, before trying again", e);
        } catch (RuntimeException e) {
            throw abortOrDiscard(attempt, e);
        }
        long last = -1;
        for (Future<RecordMetadata> f : sent) {
            try {
                last = Math.max(last, f.get().offset());
            } catch (ExecutionException | InterruptedException e) {
                throw new IllegalStateException("a committed send has no metadata", e);
            }
        }
        return last + 1;
    }

    /**
     * Aborts the open transaction after {@code failure}; the refusal to answer with (or
     * {@code failure} itself where it is not Kafka's). A producer that cannot abort writes
     * nothing more and is closed; one that turns out fenced stops as {@link #fencedOrExpired}
     * says.
     */
    private RuntimeException abortOrDiscard(Attempt attempt, RuntimeException failure) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            // Kafka 4 reports a fenced producer's commit or send as one with an old epoch; its abort then says why.
            if (causedBy(e, ProducerFencedException.class) || causedBy(failure, ProducerFencedException.class)
                    || causedBy(failure, InvalidProducerEpochException.class)) {
                return fencedOrExpired(attempt, failure);
            }
            LOG.warn("aborting the transaction failed ({}); the next write starts a new producer", e.toString());
            discard();
        }
        if (!(failure instanceof KafkaException)) {
            return failure;
        }
        // Kafka refused the transaction, its commit included (only a timeout or a fencing leave one in doubt).
        return new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "cannot write to "
                + attempt.topic() + ": " + failure.getMessage() + " (" + NOTHING_WRITTEN + ")", failure);
    }

    /**
     * A fencing: by another coordinator (this one then stops writing), or, after the
     * transaction outlived its timeout, by a broker on transaction version 1 aborting it
     * (the producer is then replaced).
     */
    private RequestRefused fencedOrExpired(Attempt attempt, RuntimeException e) {
        discard();
        if (System.nanoTime() - attempt.begun() >= transactionTimeout.toNanos()) {
            LOG.warn("the transaction outlived transaction.timeout.ms ({}) and was aborted ({}); the next write starts"
                    + " a new producer", transactionTimeout, e.toString());
            return new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "cannot write to "
                    + attempt.topic() + ": the transaction outlived transaction.timeout.ms and Kafka aborted it ("
                    + attempt.outcome() + ")", e);
        }
        return fencedOff(e, attempt.outcome());
    }

    /** Another coordinator took the transactional id over: this one writes nothing more. */
    private RequestRefused fencedOff(RuntimeException cause, String outcome) {
        if (!fenced) {
            fenced = true;
            LOG.error("{}; this one no longer writes: stop it, or restart it once that one is gone",
                    tookOver(producerId), cause);
        }
        return new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", tookOver(producerId)
                + "; this one writes nothing more until restarted (" + outcome + ")", cause);
    }

    /** Why a fenced coordinator writes no more: in its refusals, its log and its health. */
    static String tookOver(String producerId) {
        return "another coordinator with producer id " + producerId + " took over writing";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void discard() {
        closeProducer(Duration.ZERO);
    }

    private void closeProducer(Duration timeout) {
        KafkaProducer<String, byte[]> old = producer;
        producer = null;
        ready = false;
        if (old != null) {
            try {
                old.close(timeout);
            } catch (KafkaException e) {
                // An interrupted thread cannot wait for the I/O thread: it stops on its own.
                LOG.warn("closing the producer: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeProducer(Duration.ofSeconds(5));
    }
}
