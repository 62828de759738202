package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.coordinator.app.CoordinatorApplication;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A coordinator under test: its own database on the shared {@link TestPostgres} and its
 * own topic prefix on the shared {@link TestKafka} broker, an HTTP client for its API,
 * and a producer that writes to its topics as agents (or vandals) would.
 */
final class CoordinatorFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("examples/versions");

    final Topics topics;
    final String dbUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final KafkaProducer<String, byte[]> producer;
    private ApplicationContext context;
    private URI base;

    CoordinatorFixture(String test) {
        topics = new Topics(TestKafka.broker().uniquePrefix(test), 3);
        dbUrl = TestPostgres.server().createDatabase("coord");
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Starts the coordinator (again), on a random port. */
    void start() {
        context = CoordinatorApplication.start(Map.of(
                "micronaut.server.port", -1,
                "schemafleet.kafka-bootstrap", TestKafka.broker().bootstrapServers(),
                "schemafleet.topic-prefix", topics.prefix(),
                "schemafleet.report-partitions", topics.reportPartitions(),
                "schemafleet.replication-factor", 1,
                "schemafleet.rollout-tick", "200ms",
                "datasources.default.url", dbUrl));
        base = context.getBean(EmbeddedServer.class).getURI();
    }

    /** The running coordinator's application context (its router, beans, server). */
    ApplicationContext context() {
        if (context == null) {
            throw new IllegalStateException("the coordinator is not running");
        }
        return context;
    }

    void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** Drops every table the coordinator made, Flyway's history included. */
    void dropTables() throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            s.execute("DROP TABLE revisions, rollouts, fleet, tenants, agents, tenant_events, poison_records,"
                    + " consumed_offsets, rollout_waves, pins, flyway_schema_history");
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    Reply post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** {@code {"files":[…]}} with the given files' names and contents. */
    static ObjectNode filesBody(Map<String, String> files) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("files");
        files.forEach((name, content) -> array.addObject().put("name", name).put("content", content));
        return body;
    }

    /** Every example revision file, in file-name order. */
    static Map<String, String> exampleFiles() {
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            for (Path p : list.filter(p -> p.toString().endsWith(".sql")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Writes an event to the topic and with the key an agent would use. */
    void produce(EventBody body, String producerName) {
        raw(topics.topicFor(body.type()), Topics.keyFor(body), EventCodec.encode(Envelopes.of(body, producerName)));
    }

    /** Writes any bytes to any topic. */
    void raw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        producer.close();
    }

    record Reply(int status, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + json;
        }
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Reply(response.statusCode(), text == null || text.isEmpty() ? null : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
