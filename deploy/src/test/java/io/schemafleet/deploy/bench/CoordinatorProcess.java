package io.schemafleet.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionFile;
import io.schemafleet.protocol.topic.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code schemafleet coordinator} in its own JVM ({@link ChildJvm}), configured as in
 * production: API auth on (the bench's operator token), events signed with the bench's
 * key; and a client for its API.
 */
final class CoordinatorProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final ChildJvm jvm;
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    private CoordinatorProcess(ChildJvm jvm, URI base, String token) {
        this.jvm = jvm;
        this.base = base;
        this.token = token;
    }

    /** Starts a coordinator on {@code topics} and the database at {@code dbUrl}; returns once it answers. */
    static CoordinatorProcess start(BenchEnv env, Topics topics, String dbUrl) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ChildJvm jvm = ChildJvm.start("coordinator", env.settings.coordinatorJvm(), List.of("coordinator",
                "--port", Integer.toString(port), "--kafka", env.kafka.bootstrapServers(), "--db", dbUrl,
                "--set", "schemafleet.topic-prefix=" + topics.prefix(),
                "--set", "schemafleet.report-partitions=" + topics.reportPartitions(),
                "--set", "schemafleet.replication-factor=1",
                "--set", "schemafleet.signing.key-file=" + env.keyFile,
                "--set", "schemafleet.auth.operator-tokens=" + Tokens.sha256Hex(env.operatorToken)));
        CoordinatorProcess coordinator = new CoordinatorProcess(jvm, URI.create("http://localhost:" + port), env.operatorToken);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            jvm.requireAlive();
            try {
                if (coordinator.status("/health") == 200) {
                    return coordinator;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                coordinator.close();
                throw new IllegalStateException("the coordinator did not answer /health within 2 minutes:\n" + jvm.tail());
            }
            Thread.sleep(100);
        }
    }

    /** Publishes the revisions with {@code POST /api/revisions}. */
    void publish(List<Revision> revisions) {
        ObjectNode body = JSON.createObjectNode();
        var files = body.putArray("files");
        for (Revision r : revisions) {
            files.addObject().put("name", r.id() + "_bench.sql").put("content", RevisionFile.render(r));
        }
        Reply reply = post("/api/revisions", body);
        if (reply.status() != 200 && reply.status() != 201) {
            throw new IllegalStateException("publishing revisions: " + reply.status() + " " + reply.json());
        }
    }

    /** Starts a rollout of the whole fleet to {@code to}; returns its id. */
    String rollout(String to) {
        Reply reply = post("/api/rollouts", JSON.createObjectNode().put("to", to));
        expect(201, reply, "starting a rollout");
        return reply.json().path("rollout_id").asText();
    }

    /** {@code GET /api/fleet}. */
    JsonNode fleet() {
        Reply reply = get("/api/fleet");
        expect(200, reply, "GET /api/fleet");
        return reply.json();
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private int status(String path) {
        return send(request(path).GET().build()).status();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
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

    private void expect(int status, Reply reply, String what) {
        if (reply.status() != status) {
            throw new IllegalStateException(what + ": " + reply.status() + " " + reply.json());
        }
    }

    @Override
    public void close() throws IOException {
        jvm.close();
    }

    record Reply(int status, JsonNode json) {
    }
}
