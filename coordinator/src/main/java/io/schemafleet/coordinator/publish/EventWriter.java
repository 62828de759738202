package io.schemafleet.coordinator.publish;

import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.app.EventTrust;
import io.schemafleet.coordinator.app.KafkaClients;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.coordinator.store.PublishedGraph;
import io.schemafleet.coordinator.store.RevisionRow;
import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.InvalidEventException;
import io.schemafleet.protocol.event.Rejection;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.graph.GraphCheck;
import io.schemafleet.protocol.graph.GraphProblem;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionFile;
import io.schemafleet.protocol.topic.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The coordinator's single writer to the log. It decides from the projection (after
 * waiting for it to catch up with the topic) and appends events with an idempotent,
 * transactional producer; it never changes a table itself: the projection applies what
 * was appended, and the request returns once it has, so a read right after sees it.
 *
 * <p>Calls are serialized, so two publishes cannot both pass validation against the
 * same graph. One coordinator per topic prefix: a second one with the same producer id
 * fences the first ({@code transactional.id}).
 */
@Singleton
public class EventWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);

    private final CoordinatorConfig config;
    private final KafkaClients clients;
    private final Projection projection;
    private final PublishedGraph published;
    private final FleetQueries fleet;
    private final EventTrust trust;
    private final Topics topics;
    private final Duration await;
    private final TransactionalSender sender;
    private Admin offsets;

    public EventWriter(CoordinatorConfig config, KafkaClients clients, Projection projection,
                       PublishedGraph published, FleetQueries fleet, EventTrust trust) {
        this.config = config;
        this.clients = clients;
        this.projection = projection;
        this.published = published;
        this.fleet = fleet;
        this.trust = trust;
        this.topics = config.topics();
        this.await = config.getAwaitProjection();
        this.sender = new TransactionalSender(clients, config.getProducerId(), clients.transactionTimeout());
    }

    /** Creates the producer and registers its transactional id (fencing an older instance). */
    public synchronized void start() {
        offsets = clients.admin();
        sender.settle();
    }

    /**
     * Whether another coordinator with this one's producer id took over writing: this one
     * then refuses every write until restarted. Not synchronized: a health check must not wait
     * for a write in progress.
     */
    public boolean fenced() {
        return sender.fenced();
    }

    /**
     * Publishes the revisions of {@code files} (in file-name order, after those already
     * published): files whose revision is already published with the same checksum are
     * left out; the rest must form a valid graph with the published ones.
     *
     * @throws RequestRefused CONFLICT for a published id with other content, INVALID for
     *     graph problems (unknown parents, cycles, duplicates, ...), UNAVAILABLE if Kafka
     *     or the projection does not answer
     */
    public synchronized PublishResult publish(List<RevisionFile> files) {
        sender.settle();
        catchUp(topics.revisions());
        Map<String, RevisionRow> known = new HashMap<>();
        published.rows().forEach(row -> known.put(row.id(), row));

        List<RevisionFile> sorted = files.stream()
                .sorted(Comparator.comparing(f -> f.path().toString())).toList();
        List<String> conflicts = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, RevisionFile> fresh = new LinkedHashMap<>();
        List<Revision> fresherList = new ArrayList<>();
        for (RevisionFile file : sorted) {
            Revision r = file.revision();
            RevisionRow row = known.get(r.id());
            if (row == null) {
                fresh.putIfAbsent(r.id(), file);
                fresherList.add(r);
            } else if (row.checksum().equals(r.checksum())) {
                unchanged.add(r.id());
            } else {
                conflicts.add(file.path() + ":" + file.lineOf("revision") + ": revision " + r.id()
                        + " is already published with checksum " + row.checksum() + " and this file's content hashes to "
                        + r.checksum() + "; a published revision never changes: write a new revision instead");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RequestRefused(RequestRefused.Reason.CONFLICT, "RevisionConflict", String.join("\n", conflicts));
        }
        List<Revision> all = new ArrayList<>(published.rows().stream().map(RevisionRow::revision).toList());
        all.addAll(fresherList);
        List<GraphProblem> problems = GraphCheck.check(all);
        if (!problems.isEmpty()) {
            String message = problems.stream().map(p -> {
                RevisionFile file = p.revision() == null ? null : fresh.get(p.revision());
                return file == null ? p.message() : file.path() + ":" + file.lineOf(p.header()) + ": " + p.message();
            }).collect(Collectors.joining("\n"));
            throw new RequestRefused(RequestRefused.Reason.INVALID, problems.get(0).kind().code(), message);
        }
        if (fresherList.isEmpty()) {
            return new PublishResult(List.of(), unchanged, null);
        }
        catchUp(topics.rollouts()); // the fleet's destination as the log has it, for what the publish does to it
        String note = FleetMoveNote.of(fleet.destination(), published.graph(), RevisionGraph.of(all));
        append(topics.revisions(), fresherList.stream().<EventBody>map(RevisionPublished::of).toList());
        LOG.info("published {} revision(s): {}", fresherList.size(), fresh.keySet());
        return new PublishResult(List.copyOf(fresh.keySet()), unchanged, note);
    }

    /** What a rollout operation decided: the events to append to the rollouts topic, and its answer. */
    public record Decision<T>(List<EventBody> events, T answer) {
    }

    /**
     * Runs a rollout operation (start, pause, a pin, the engine's next step, ...; see
     * {@code coordinator.rollout.RolloutService}) under the writer's lock, after the
     * projection has caught up with the revisions and rollouts topics, and appends what it
     * decided: so it decides on what the log says, and no other writer call interleaves.
     *
     * @throws RequestRefused whatever {@code decide} refuses; UNAVAILABLE if Kafka or the projection does not answer
     */
    public synchronized <T> T decideOnRollouts(Supplier<Decision<T>> decide) {
        sender.settle();
        catchUp(topics.revisions());
        catchUp(topics.rollouts());
        Decision<T> decision = decide.get();
        if (!decision.events().isEmpty()) {
            append(topics.rollouts(), decision.events());
        }
        return decision.answer();
    }

    /**
     * Waits until the projection has applied everything every reports partition held when
     * called, so that the rollout engine counts tenants from reports that are there.
     */
    public synchronized void awaitReports() {
        try {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            offsets.describeTopics(List.of(topics.reports())).allTopicNames().get(await.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topics.reports()).partitions()
                    .forEach(p -> ends.put(new TopicPartition(topics.reports(), p.partition()), OffsetSpec.latest()));
            var listed = offsets.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(await.toMillis(), TimeUnit.MILLISECONDS);
            for (var e : listed.entrySet()) {
                awaitProjection(e.getKey(), e.getValue().offset());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable",
                    "cannot read the end of " + topics.reports() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "interrupted", e);
        }
    }

    /**
     * Asks the agents of {@code tenants} for their schema descriptions: appends a {@code
     * DescribeRequested}; the answers arrive as {@code TenantDescribed} reports naming its id.
     */
    public synchronized DescribeRequested requestDescriptions(List<String> tenants, String requestedBy) {
        DescribeRequested request;
        try {
            request = new DescribeRequested("d-" + UUID.randomUUID(), tenants, requestedBy, Instant.now());
        } catch (RuntimeException e) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", e.getMessage());
        }
        append(topics.rollouts(), List.of(request));
        return request;
    }

    /**
     * Asks the agent of {@code tenant} to try it again ({@code TenantRetryRequested}) and
     * waits for the projection to apply the request, as every append does, so that a read
     * right after sees the tenant as the request left it (a failed tenant {@code behind}).
     * Unlike other appends, a projection that does not get there in time does not fail the
     * call: the request is in the log and takes effect, only later. The caller checks that
     * the tenant has reported; the agent leaves a tenant that is not failed alone.
     *
     * @throws RequestRefused INVALID for a tenant id the protocol refuses, UNAVAILABLE if
     *     Kafka does not take the event (saying whether it was written)
     */
    public synchronized RetryResult requestRetry(String tenant, String requestedBy) {
        TenantRetryRequested event;
        try {
            event = new TenantRetryRequested(tenant, requestedBy, Instant.now());
        } catch (RuntimeException e) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", e.getMessage());
        }
        Appended appended = send(topics.rollouts(), List.of(event));
        String id = appended.ids().get(0);
        boolean applied = true;
        try {
            awaitProjection(appended.partition(), appended.next());
        } catch (RequestRefused late) {
            LOG.warn("retry of tenant {} (event {}) is in the log but not applied yet: {}", tenant, id, late.getMessage());
            applied = false;
        }
        LOG.info("retry of tenant {} requested by {} (event {})", tenant, requestedBy, id);
        return new RetryResult(id, applied);
    }

    /**
     * Appends {@code bodies} to {@code topic} in one Kafka transaction and waits for the
     * projection to apply them.
     *
     * @return the events' ids, in order
     */
    private List<String> append(String topic, List<EventBody> bodies) {
        Appended appended = send(topic, bodies);
        try {
            awaitProjection(appended.partition(), appended.next());
        } catch (RequestRefused late) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", bodies.size() + " event(s) "
                    + appended.ids() + " are written to " + topic + " but not applied yet (" + late.getMessage()
                    + "); they take effect once the projection catches up: do not send them again", late);
        }
        return appended.ids();
    }

    /** Events appended: their ids, in order, and the offset after the last of them in their partition. */
    private record Appended(List<String> ids, TopicPartition partition, long next) {
    }

    /**
     * Appends {@code bodies} to {@code topic} (one partition) in one Kafka transaction.
     * Every event the coordinator produces passes here, and is signed here.
     */
    private Appended send(String topic, List<EventBody> bodies) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            for (EventBody body : bodies) {
                Envelope envelope = trust.sign(Envelopes.of(body, config.getProducerId()));
                ids.add(envelope.id());
                records.add(new ProducerRecord<>(topic, Topics.keyFor(body), EventCodec.encode(envelope)));
            }
        } catch (InvalidEventException e) {
            // An event consumers would reject (larger than a record may be): refuse it, write nothing.
            boolean tooLarge = e.rejection() == Rejection.TOO_LARGE;
            throw new RequestRefused(tooLarge ? RequestRefused.Reason.TOO_LARGE : RequestRefused.Reason.INVALID,
                    tooLarge ? "EventTooLarge" : "InvalidRequest", "cannot write to " + topic + ": " + e.getMessage()
                    + " (nothing was written)", e);
        }
        long next = sender.send(topic, records);
        return new Appended(List.copyOf(ids), new TopicPartition(topic, 0), next);
    }

    /**
     * Waits until the projection has applied everything committed on {@code topic} (one
     * partition). It comes before any write, so its refusals say nothing was written.
     */
    private void catchUp(String topic) {
        try {
            awaitEnd(topic);
        } catch (RequestRefused r) {
            throw new RequestRefused(r.reason(), r.type(), r.getMessage() + " (" + TransactionalSender.NOTHING_WRITTEN + ")",
                    r.getCause());
        }
    }

    private void awaitEnd(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        long end;
        try {
            end = offsets.listOffsets(Map.of(tp, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp).get(await.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable",
                    "cannot read the end of " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "interrupted", e);
        }
        awaitProjection(tp, end);
    }

    private void awaitProjection(TopicPartition tp, long offset) {
        try {
            projection.awaitApplied(tp, offset, await);
        } catch (TimeoutException e) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "interrupted", e);
        }
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        sender.close();
        if (offsets != null) {
            offsets.close(Duration.ofSeconds(5));
            offsets = null;
        }
    }
}
