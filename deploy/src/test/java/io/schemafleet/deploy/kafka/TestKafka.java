package io.schemafleet.deploy.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Kafka broker per test JVM, shared by every test in {@code deploy}; each test
 * uses its own topic prefix ({@link #uniquePrefix}). Where it comes from:
 * <ol>
 *   <li>an existing broker: {@code SCHEMAFLEET_TEST_KAFKA_BOOTSTRAP} (host:port);</li>
 *   <li>otherwise an {@link EmbeddedKafka} started on first use and closed by a JVM
 *       shutdown hook.</li>
 * </ol>
 * Testcontainers' Kafka would be a third choice where Docker runs; it is not on the
 * classpath because the build machines have no Docker daemon.
 *
 * <p>Tests that restart the broker use {@link #embedded()}; they are skipped (or must
 * do without) against an existing broker. {@link EmbeddedKafkaTest} starts brokers of
 * its own, because it closes them.
 */
public final class TestKafka {
    private static TestKafka broker;

    private final String bootstrapServers;
    private final EmbeddedKafka embedded;
    private final String run = java.util.UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger counter = new AtomicInteger();

    private TestKafka(String bootstrapServers, EmbeddedKafka embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    /** The shared broker, started (or connected to) on first call. */
    public static synchronized TestKafka broker() {
        if (broker == null) {
            String existing = System.getenv("SCHEMAFLEET_TEST_KAFKA_BOOTSTRAP");
            if (existing != null && !existing.isBlank()) {
                broker = new TestKafka(existing, null);
                System.err.println("TestKafka: existing broker at " + existing);
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "test-kafka-shutdown"));
                broker = new TestKafka(kafka.bootstrapServers(), kafka);
                System.err.println("TestKafka: embedded KRaft broker at " + kafka.bootstrapServers() + ", ready in "
                        + kafka.startupTime().toMillis() + " ms");
            }
        }
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker itself when this JVM runs it (to restart it); empty for an existing broker. */
    public Optional<EmbeddedKafka> embedded() {
        return Optional.ofNullable(embedded);
    }

    /** A new admin client of the broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A topic prefix no other test (in this run or an earlier one on the same broker) uses. */
    public String uniquePrefix(String test) {
        return "t" + run + "-" + counter.incrementAndGet() + "." + test.replaceAll("[^a-zA-Z0-9_-]", "_");
    }
}
