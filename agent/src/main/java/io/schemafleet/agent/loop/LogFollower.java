package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.Decoded;
import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.Verification;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads the whole revisions and rollouts topics, from the beginning, on every start
 * (each agent on its own: no consumer group), and hands every new {@link DesiredState}
 * to a listener. A record that is not a valid event for its topic is logged with its
 * topic, partition and offset, counted and skipped: it never stops the agent.
 *
 * <p>Every event is checked against the {@link TrustPolicy} before the fold sees it: one
 * that is unsigned (unless allowed), signed by an unknown key or whose signature does not
 * verify is refused, so nothing in it is applied. A refusal is logged once per event id,
 * counted in {@link Refusals} and reported in heartbeats; so is a revision id seen with two
 * contents (the fold refuses both).
 */
final class LogFollower implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);

    private final Topics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<DesiredState> listener;
    private final Consumer<List<DescribeRequested>> describeListener;
    private final DesiredStateFold fold = new DesiredStateFold();
    private final AtomicLong poison = new AtomicLong();
    private final TrustPolicy trust;
    private final Refusals refusals;
    /** Event ids whose refusal was logged (bounded: a flood of forgeries must not grow it forever). */
    private final Set<String> logged = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private final Set<String> conflictsReported = new HashSet<>();
    private final AtomicLong lag = new AtomicLong();
    private volatile boolean running = true;
    /** Where each partition ended when the agent started: records before are replayed history. */
    private Map<TopicPartition, Long> startEnd = Map.of();

    /**
     * @param listener         gets every new desired state
     * @param describeListener gets describe requests (one-shot commands, not desired state) as they arrive
     */
    LogFollower(Topics topics, Map<String, Object> kafka, TrustPolicy trust, Refusals refusals,
                Consumer<DesiredState> listener, Consumer<List<DescribeRequested>> describeListener) {
        this.topics = topics;
        this.trust = trust;
        this.refusals = refusals;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
        this.describeListener = describeListener;
    }

    long poisonRecords() {
        return poison.get();
    }

    /** Records not read yet, as of the last fetch (0 before the first). */
    long lag() {
        return lag.get();
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            startEnd = consumer.endOffsets(partitions);
            boolean caughtUp = false;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                // From the last fetch responses: no request to the broker.
                lag.set(partitions.stream().mapToLong(tp -> consumer.currentLag(tp).orElse(0)).sum());
                boolean changed = false;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    changed |= apply(record);
                }
                if (!caughtUp && reached(startEnd)) {
                    caughtUp = true;
                    changed = true;
                }
                List<DescribeRequested> describes;
                synchronized (fold) {
                    describes = fold.takeDescribes();
                }
                if (!describes.isEmpty()) {
                    describeListener.accept(describes);
                }
                if (changed) {
                    DesiredState state;
                    synchronized (fold) {
                        state = fold.snapshot(caughtUp);
                    }
                    listener.accept(state);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Marks a retry request as handled. Thread-safe enough: the fold only adds under the log thread. */
    void retried(String tenant, long requestOffset) {
        synchronized (fold) {
            fold.retried(tenant, requestOffset);
        }
    }

    private boolean apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return false; // a tombstone: compaction's business, not an event (as for the coordinator's projection)
        }
        Decoded decoded = EventCodec.decode(record.value());
        if (decoded instanceof Decoded.Rejected rejected) {
            skip(record, rejected.kind().code() + ": " + rejected.reason());
            return false;
        }
        Decoded.Event event = (Decoded.Event) decoded;
        if (!topics.allows(record.topic(), event.envelope().type())) {
            skip(record, "a " + event.envelope().type().code() + " event does not belong on this topic");
            return false;
        }
        if (topics.signed(record.topic())) {
            Verification verification = trust.check(event.envelope());
            if (!trust.accepts(verification)) {
                refuse(record, event, verification);
                return false;
            }
        }
        synchronized (fold) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            boolean replayed = record.offset() < startEnd.getOrDefault(partition, 0L);
            boolean changed = fold.apply(event.envelope(), event.body(), record.offset(), replayed);
            if (event.body() instanceof RevisionPublished published) {
                String id = published.revision().id();
                if (fold.conflicted(id) && conflictsReported.add(id)) {
                    String reason = "revision_conflict: revision " + id + " was published again with checksum "
                            + published.checksum() + ", different from the first; both are refused ("
                            + where(record) + ")";
                    refusals.record(reason);
                    LOG.error("refusing {}", reason);
                }
            }
            return changed;
        }
    }

    private void refuse(ConsumerRecord<byte[], byte[]> record, Decoded.Event event, Verification verification) {
        String reason = verification.verdict().code() + ": " + event.envelope().type().code() + " event "
                + event.envelope().id() + " at " + where(record) + ": " + verification.reason();
        refusals.record(reason);
        if (logged.add(event.envelope().id())) {
            LOG.error("refusing {}; nothing from it is applied", reason);
        }
    }

    private static String where(ConsumerRecord<byte[], byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String reason) {
        poison.incrementAndGet();
        LOG.warn("skipping record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    }

    private boolean reached(Map<TopicPartition, Long> targets) {
        for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The partitions to follow, waiting (and saying so) while the topics do not exist yet:
     * an agent may well start before the coordinator has created them. Null when closed.
     */
    private List<TopicPartition> awaitPartitions() {
        boolean warned = false;
        while (running) {
            List<TopicPartition> out = new ArrayList<>();
            String missing = null;
            for (String topic : List.of(topics.revisions(), topics.rollouts())) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    missing = topic;
                    break;
                }
                infos.forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
            }
            if (missing == null) {
                return out;
            }
            if (!warned) {
                LOG.warn("topic {} does not exist yet; waiting for the coordinator to create it", missing);
                warned = true;
            }
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
