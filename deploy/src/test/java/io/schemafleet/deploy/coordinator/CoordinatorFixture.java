package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.coordinator.app.CoordinatorApplication;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.security.Role;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.deploy.PrometheusText;
import io.schemafleet.deploy.CliRun;
import java.time.Duration;
import io.schemafleet.deploy.Resources;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.EventCodec;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.TrustedKeys;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * A coordinator under test: its own database on the shared {@link TestPostgres} and its
 * own topic prefix on the shared {@link TestKafka} broker, its own signing key, an HTTP client for its API,
 * and a producer that writes to its topics as agents (or vandals) would. API auth is on,
 * as in production, with one operator and one read-only token: {@link #get}/{@link #post}
 * send the operator's; {@link #readOnly()} and {@link #anonymous()} ask as others.
 *
 * <p>Public for the fault-injection tests ({@code deploy.fault}), which restart its broker,
 * stop and start it, and run a {@link #mirror} beside it.
 */
public final class CoordinatorFixture implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("examples/versions");

    public final Topics topics;
    public final String dbUrl;
    /** The broker it (and its producer) talk to: the shared {@link TestKafka} unless a test brought its own. */
    public final String bootstrapServers;
    final String operatorToken = Tokens.generate(Role.OPERATOR);
    final String readOnlyToken = Tokens.generate(Role.READ_ONLY);
    /** Settings for the next {@link #start()} on top of the fixture's own (e.g. auth off). */
    final Map<String, Object> settings = new LinkedHashMap<>();
    /** The coordinator's signing key; its private key file is {@link #keyFile}. */
    public final SigningKey signingKey;
    final Path keyFile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final KafkaProducer<String, byte[]> producer;
    private ApplicationContext context;
    /** Times {@link #start} was called: metrics count from the last start only. */
    private int starts;
    private URI base;
    private Path tokenFile;

    public CoordinatorFixture(String test) {
        this(new Topics(TestKafka.broker().uniquePrefix(test), 3), TestKafka.broker().bootstrapServers(),
                SigningKey.generate("test-coordinator"));
    }

    /** A coordinator on another broker than the shared one (a test's own, which it may restart). */
    public CoordinatorFixture(String test, String bootstrapServers) {
        this(test, bootstrapServers, TestPostgres.server().createDatabase("coord"));
    }

    /** A coordinator on another broker, keeping its tables in the database at {@code dbUrl} (a test's own server). */
    public CoordinatorFixture(String test, String bootstrapServers, String dbUrl) {
        this(new Topics("t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "." + test, 3),
                bootstrapServers, SigningKey.generate("test-coordinator"), dbUrl);
    }

    private CoordinatorFixture(Topics topics, String bootstrapServers, SigningKey signingKey) {
        this(topics, bootstrapServers, signingKey, TestPostgres.server().createDatabase("coord"));
    }

    private CoordinatorFixture(Topics topics, String bootstrapServers, SigningKey signingKey, String dbUrl) {
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.signingKey = signingKey;
        this.dbUrl = dbUrl;
        try {
            keyFile = Files.createTempFile("schemafleet-test-key", ".pem");
            Files.writeString(keyFile, signingKey.privatePem());
            keyFile.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A second coordinator following the same topics with the same key, on a database of
     * its own: a projection to compare with this one's. Its event writer has its own
     * transactional id, so starting it does not fence this one's. Not started; the caller
     * closes it.
     */
    public CoordinatorFixture mirror() {
        CoordinatorFixture mirror = new CoordinatorFixture(topics, bootstrapServers, signingKey);
        mirror.settings.put("schemafleet.producer-id", "schemafleet-mirror-" + topics.prefix());
        return mirror;
    }

    /** Sets {@code key} for every later {@link #start()} (a Kafka client property, say); returns this fixture. */
    public CoordinatorFixture with(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** Starts the coordinator (again), on a random port. */
    public void start() {
        start(Map.of());
    }

    /** Starts the coordinator (again), on a random port, with {@code extra} configuration on top. */
    void start(Map<String, Object> extra) {
        Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                "micronaut.server.port", -1,
                "schemafleet.kafka-bootstrap", bootstrapServers,
                "schemafleet.topic-prefix", topics.prefix(),
                "schemafleet.report-partitions", topics.reportPartitions(),
                "schemafleet.replication-factor", 1,
                "schemafleet.signing.key-file", keyFile.toString(),
                "schemafleet.rollout-tick", "200ms",
                "datasources.default.url", dbUrl,
                "schemafleet.auth.operator-tokens", List.of(Tokens.sha256Hex(operatorToken)),
                "schemafleet.auth.read-only-tokens", List.of(Tokens.sha256Hex(readOnlyToken))));
        properties.putAll(settings);
        properties.putAll(extra);
        context = CoordinatorApplication.start(properties);
        base = context.getBean(EmbeddedServer.class).getURI();
        starts++;
    }

    /** Whether this coordinator ran from a single start: its counters then cover everything it projected. */
    public boolean startedOnce() {
        return starts == 1;
    }

    /** The running coordinator's base URI ({@code http://localhost:PORT}). */
    URI base() {
        if (base == null) {
            throw new IllegalStateException("the coordinator is not running");
        }
        return base;
    }

    /** A file holding the operator token, for the CLI's {@code --token-file} (written once, deleted on exit). */
    Path tokenFile() {
        if (tokenFile == null) {
            try {
                tokenFile = Files.createTempFile("schemafleet-token", ".txt");
                tokenFile.toFile().deleteOnExit();
                Files.writeString(tokenFile, operatorToken);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenFile;
    }

    /** Runs a fleet command as the operator (the token from a file, as a pipeline would pass it). */
    CliRun cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--token-file";
        all[args.length + 1] = tokenFile().toString();
        return CliRun.of(all);
    }

    /** The running coordinator's base URL, as the CLI's {@code --url} takes it. */
    String url() {
        return base().toString();
    }

    /** The Kafka {@code transactional.id} its event writer uses. */
    public String producerId() {
        return context().getBean(CoordinatorConfig.class).getProducerId();
    }

    /** The running coordinator's application context (its router, beans, server). */
    ApplicationContext context() {
        if (context == null) {
            throw new IllegalStateException("the coordinator is not running");
        }
        return context;
    }

    public void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** Drops everything the coordinator made, Flyway's history included (its database is its own). */
    public void dropTables() throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        }
    }

    /** GET as an operator. */
    public Reply get(String path) {
        return as(operatorToken).get(path);
    }

    /** POST as an operator. */
    public Reply post(String path, JsonNode body) {
        return as(operatorToken).post(path, body);
    }

    /** POST as an operator, the body sent as written (JSON or not). */
    public Reply post(String path, String body) {
        return as(operatorToken).post(path, body);
    }

    /** A client with the read-only token. */
    public Client readOnly() {
        return as(readOnlyToken);
    }

    /** A client without any token. */
    Client anonymous() {
        return as(null);
    }

    /** A client sending {@code token} (any text: a wrong one too; null: no Authorization header). */
    Client as(String token) {
        return new Client(token);
    }

    /** Requests with one token (or none). */
    public final class Client {
        private final String token;

        private Client(String token) {
            this.token = token;
        }

        Reply get(String path) {
            return send(request(path).GET().build());
        }

        Reply post(String path, JsonNode body) {
            return post(path, body.toString());
        }

        Reply post(String path, String body) {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        }

        /**
         * The status of any method with an empty body, without reading the body (a stream
         * such as {@code GET /api/stream} never ends).
         */
        int status(String method, String path) {
            try {
                HttpResponse<java.io.InputStream> response = http.send(request(path)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                response.body().close();
                return response.statusCode();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** {@code GET /prometheus}, parsed. */
        public PrometheusText scrape() {
            HttpResponse<String> response = raw("GET", "/prometheus");
            if (response.statusCode() != 200) {
                throw new AssertionError("GET /prometheus answered " + response.statusCode() + ": " + response.body());
            }
            return PrometheusText.parse(response.body());
        }

        /** Any method, an empty body; the raw answer (headers, text). */
        HttpResponse<String> raw(String method, String path) {
            return exchange(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
        }

        private HttpRequest.Builder request(String path) {
            // Appended as written, not resolved: "//api/x" must stay a path, not become a host.
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/$", "") + path));
            return token == null ? b : b.header("Authorization", "Bearer " + token);
        }
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

    /** The files of {@code files} whose names start with one of {@code ids}. */
    static Map<String, String> only(Map<String, String> files, List<String> ids) {
        Map<String, String> out = new java.util.TreeMap<>();
        files.forEach((name, content) -> {
            if (ids.stream().anyMatch(name::startsWith)) {
                out.put(name, content);
            }
        });
        return out;
    }

    /**
     * Settings of an in-process agent following this coordinator and trusting its key, with a
     * 2 s resync and heartbeat and {@code parallel} tenants (and DDL statements) at once.
     */
    AgentSettings agentSettings(int parallel, ApplyOptions options) {
        return new AgentSettings(topics, Map.of("bootstrap.servers", TestKafka.broker().bootstrapServers()),
                Duration.ofSeconds(2), Duration.ofSeconds(2), parallel, parallel, options, agentTrust());
    }

    /**
     * Starts an in-process agent on the schemas of {@code dbUrl} whose names are LIKE
     * {@code pattern}, fingerprinting them; it and its pools go into {@code resources}.
     */
    AgentLoop startAgent(Resources resources, String dbUrl, String pattern, int parallel, ApplyOptions options) {
        Databases pools = resources.add(new Databases(DbCredentials.NONE, parallel));
        AgentLoop agent = resources.add(new AgentLoop(agentSettings(parallel, options),
                new SchemaPatternDiscovery(pools, dbUrl, pattern), pools,
                (c, schema) -> SchemaFingerprint.of(c, schema).sha256()));
        agent.start();
        return agent;
    }

    /** What an agent trusts to follow this coordinator: its public key, nothing unsigned. */
    public TrustPolicy agentTrust() {
        return new TrustPolicy(TrustedKeys.of(java.util.List.of(signingKey.trustedKey())), false);
    }

    /**
     * Writes an event to the topic and with the key its producer would use; on the
     * coordinator's topics (revisions, rollouts) signed with the coordinator's key, as the
     * coordinator writes them. Returns the record's offset.
     */
    public long produce(EventBody body, String producerName) {
        ProducerRecord<String, byte[]> record = record(body, producerName);
        return raw(record.topic(), record.key(), record.value());
    }

    /** Writes many events as {@link #produce} does one, all sent before any is waited for. */
    public void produceAll(List<? extends EventBody> bodies, String producerName) {
        List<Future<?>> sent = new ArrayList<>(bodies.size());
        for (EventBody body : bodies) {
            sent.add(producer.send(record(body, producerName)));
        }
        producer.flush();
        try {
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private ProducerRecord<String, byte[]> record(EventBody body, String producerName) {
        String topic = topics.topicFor(body.type());
        var envelope = Envelopes.of(body, producerName);
        return new ProducerRecord<>(topic, Topics.keyFor(body),
                EventCodec.encode(topics.signed(topic) ? signingKey.sign(envelope) : envelope));
    }

    /** Writes any bytes to any topic; returns the record's offset. */
    public long raw(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get().offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        producer.close();
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException e) {
            // deleteOnExit has it
        }
    }

    public record Reply(int status, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + json;
        }
    }

    private Reply send(HttpRequest request) {
        HttpResponse<String> response = exchange(request);
        String text = response.body();
        try {
            return new Reply(response.statusCode(), text == null || text.isEmpty() ? null : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
