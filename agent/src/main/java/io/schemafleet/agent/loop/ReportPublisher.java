package io.schemafleet.agent.loop;

import io.schemafleet.agent.apply.StepRecord;
import io.schemafleet.agent.apply.StepResends;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.TenantDescribed;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.Buckets;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Publishes what the agent did: a {@link TenantReport} per tenant (keyed by tenant, so
 * compaction keeps the latest) and {@link AgentHeartbeat}s. Idempotent producer; a
 * broker that is away only delays reports: the producer buffers and retries them for
 * {@code delivery.timeout.ms}, and a tenant report it gives up on is kept, with the ones
 * after it, until a heartbeat gets through, then sent again ({@link ReportOutbox},
 * {@link #resendUndelivered}).
 */
final class ReportPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportPublisher.class);

    private final Topics topics;
    private final String agentId;
    private final Instant startedAt = Instant.now();
    private final KafkaProducer<String, byte[]> producer;
    /** Tenant → the newest retry request acted on for it (its offset), which its reports name from then on. */
    private final Map<String, Long> answering = new ConcurrentHashMap<>();
    /** Tells the resends of a report it drops for a newer one: the steps that report listed go with it. */
    private final ReportOutbox outbox;
    /**
     * Locks, one held while a tenant report is numbered and handed to the producer, so that
     * the producer (which keeps a partition's records in the order they are handed to it)
     * gets each tenant's in their numbers' order, resends included. Striped by tenant: a send
     * that blocks (up to {@code max.block.ms}) holds up few others. The producer's I/O thread
     * never takes one; a send refused at once runs its callback on the sending thread, inside
     * the lock, where it only records the failure.
     */
    private final Object[] sendOrder = new Object[64];

    ReportPublisher(Topics topics, String agentId, Map<String, Object> kafka, StepResends resends) {
        this.topics = topics;
        this.outbox = new ReportOutbox(resends::owe);
        this.agentId = agentId;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        // How long a send may wait for the topic's partitions or buffer space: in an outage the
        // reconcile thread must not stall a minute on a report; one refused goes to the outbox.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(5).toMillis());
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        Arrays.setAll(sendOrder, i -> new Object());
    }

    private Object sendOrderOf(String tenant) {
        return sendOrder[Math.floorMod(tenant.hashCode(), sendOrder.length)];
    }

    /**
     * From now on the tenant's reports answer the retry request at {@code requestOffset} of the
     * rollouts topic: the coordinator then knows a failure it reads came after that request,
     * whatever the clocks say.
     */
    void answering(String tenant, long requestOffset) {
        answering.put(tenant, requestOffset);
    }

    void report(TenantResult result, String rolloutId, Map<String, String> labels) {
        List<TenantReport.Step> steps = Stream.concat(result.resent().stream(), result.steps().stream())
                .map(ReportPublisher::step).toList();
        TenantReport.Failure failure = result.error() == null ? null : new TenantReport.Failure(result.error().code(),
                result.error().revision(), result.error().sqlState(), result.error().message());
        sendReport(new TenantReport(result.tenant(), agentId,
                result.heads(), result.state(), result.destination(), rolloutId, steps, failure, result.fingerprint(),
                result.attempts(), Instant.now(), labels, Buckets.of(result.tenant()), answering.get(result.tenant())));
    }

    /**
     * A tenant mid-way: steps done, more may follow. Goes out through {@link #steps}, which
     * groups a tenant's quick steps.
     */
    void stepsApplied(StepCoalescer.Batch batch) {
        sendReport(new TenantReport(batch.tenant(), agentId,
                batch.heads(), TenantState.APPLYING, batch.destination(), batch.rolloutId(),
                batch.steps().stream().map(ReportPublisher::step).toList(), null, null, 0, Instant.now(),
                batch.labels(), Buckets.of(batch.tenant()),
                answering.get(batch.tenant())));
    }

    /** A tenant's schema description, in answer to a describe request. */
    void described(String requestId, String tenant, String fingerprint, String description) {
        TenantDescribed body = new TenantDescribed(requestId, tenant, agentId, fingerprint, description, Instant.now());
        send(topics.reports(), Topics.keyFor(body), body);
    }

    void heartbeat(int tenants, Refusals refusals) {
        send(topics.reports(), Topics.heartbeatKey(agentId), new AgentHeartbeat(agentId, tenants, startedAt,
                Instant.now(), AgentVersion.VERSION, (int) Math.min(Integer.MAX_VALUE, refusals.count()),
                refusals.last()));
    }

    private void send(String topic, String key, EventBody body) {
        byte[] value = EventCodec.encode(Envelopes.of(body, agentId));
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error == null) {
                outbox.brokerTookOne();
            } else {
                LOG.warn("could not publish {} for {}: {}", body.type().code(), key, error.toString());
            }
        });
    }

    private void sendReport(TenantReport report) {
        byte[] value = EventCodec.encode(Envelopes.of(report, agentId));
        synchronized (sendOrderOf(report.tenant())) {
            sendReport(report.tenant(), value, report.state().code(), true);
        }
    }

    /**
     * Hands a tenant report to the producer; the caller holds the tenant's {@link #sendOrder}.
     * A new report, while the broker takes nothing (since a report failed, until a record gets
     * through), goes straight to the outbox instead: in an outage a send can block for
     * {@code max.block.ms}, and the steps must not wait on the broker. Resends always go out.
     */
    private void sendReport(String tenant, byte[] value, String state, boolean parkIfBrokerAway) {
        ReportOutbox.Undelivered report = new ReportOutbox.Undelivered(tenant, outbox.number(tenant), value, state);
        if (parkIfBrokerAway && outbox.park(report)) {
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topics.reports(), Topics.reportKey(tenant), value), (metadata, error) -> {
                if (error == null) {
                    outbox.delivered(tenant, report.number());
                } else {
                    undelivered(report, error);
                }
            });
        } catch (RuntimeException e) {
            // Kafka hands most refusals (a full buffer, no metadata within max.block.ms) to the
            // callback; what it throws instead (a closed producer) is treated alike.
            undelivered(report, e);
        }
    }

    /** A report the producer gave up on: kept for later if a later try may succeed, else dropped. */
    private void undelivered(ReportOutbox.Undelivered report, Exception error) {
        if (error instanceof RetriableException) {
            LOG.warn("could not publish tenant_report for {} ({}): {}; it is sent again at the next heartbeat after"
                    + " the broker takes a record", report.tenant(), report.state(), error.toString());
            outbox.failed(report);
        } else {
            // Too large, not authorized, ...: sending it again would only fail again.
            LOG.error("could not publish tenant_report for {} ({}) and will not try again: {}", report.tenant(),
                    report.state(), error.toString());
            outbox.givenUp(report.tenant(), report.number());
        }
    }

    /**
     * Sends again the tenant reports the producer gave up on, where no newer report of their
     * tenant has gone out since ({@link ReportOutbox#tenantsDue}); a tenant's in their order.
     */
    void resendUndelivered() {
        ReportOutbox.Due due = outbox.tenantsDue();
        if (due.probe()) {
            // Every heartbeat of an outage probes: worth a line at info, not a warning each time.
            LOG.info("probing the broker with the undelivered tenant reports of {}", due.tenants().get(0));
        } else if (!due.tenants().isEmpty()) {
            LOG.warn("the broker takes records again: sending undelivered tenant reports of {} tenant(s) again",
                    due.tenants().size());
        }
        for (String tenant : due.tenants()) {
            synchronized (sendOrderOf(tenant)) {
                for (ReportOutbox.Undelivered report : outbox.takeDue(tenant)) {
                    sendReport(report.tenant(), report.value(), report.state(), false);
                }
            }
        }
    }

    /** Tenant reports the producer gave up on, waiting to be sent again. */
    int undeliveredReports() {
        return outbox.undelivered();
    }

    /** Tenant reports sent again so far. */
    long resentReports() {
        return outbox.resent();
    }

    private static TenantReport.Step step(StepRecord step) {
        Direction direction = Direction.ofCode(step.direction());
        return step.row() == null ? new TenantReport.Step(step.revision(), direction, step.durationMillis())
                : new TenantReport.Step(step.revision(), direction, step.durationMillis(), step.row().id(),
                step.row().startedAt());
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
