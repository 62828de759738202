package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.deploy.coordinator.CoordinatorFixture.Reply;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/stream} against a real coordinator: the first {@code fleet} event is what
 * {@code GET /api/fleet} answers, each report shows in a new event within a second, a burst
 * of reports is coalesced; and the dashboard's static files are served at {@code /} while
 * unknown API paths still answer the API's JSON 404.
 */
class FleetStreamIT {
    private CoordinatorFixture fixture;
    private InputStream stream;

    @AfterEach
    void tearDown() throws IOException {
        if (stream != null) {
            stream.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void sendsTheFleetOnConnectAndAfterEveryChangeWithinASecondCoalesced() throws Exception {
        // given
        fixture = new CoordinatorFixture("stream");
        fixture.start();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        fixture.produce(new AgentHeartbeat("a1", 1, t0, t0, "0.1.0"), "agent:a1");
        BlockingQueue<String> events = follow();

        // when connected: the current summary
        JsonNode first = awaitEvent(events, Duration.ofSeconds(10), fleet -> fleet.path("agents").asInt() == 1);
        assertThat(first).isEqualTo(fixture.get("/api/fleet").json());

        // when a report arrives: a new event within a second
        long sent = System.nanoTime();
        fixture.produce(report("t1", TenantState.FAILED, t0.plusSeconds(1)), "agent:a1");
        JsonNode afterReport = awaitEvent(events, Duration.ofSeconds(1), fleet -> fleet.path("tenants").asInt() == 1);
        System.out.printf("FleetStreamIT: a report reached the stream %d ms after it was written to Kafka%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        assertThat(afterReport.at("/by_state/failed").asInt()).isEqualTo(1);

        // when 200 reports arrive at once: far fewer events, the last one with every tenant
        for (int i = 0; i < 200; i++) {
            fixture.produce(report("burst" + i, TenantState.CONVERGED, t0.plusSeconds(2)), "agent:a1");
        }
        List<JsonNode> seen = new ArrayList<>();
        awaitEvent(events, Duration.ofSeconds(10), fleet -> {
            seen.add(fleet);
            return fleet.path("tenants").asInt() == 201;
        });
        assertThat(seen).as("events for a burst of 200 reports").hasSizeLessThan(50);
    }

    @Test
    void servesTheDashboardAtTheRootAndKeepsApiErrorsJson() {
        fixture = new CoordinatorFixture("static");
        fixture.start();

        Reply missing = fixture.get("/api/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/type").asText()).isEqualTo("NotFound");
        for (String path : List.of("/", "/index.html")) {
            HttpResponse<String> page = raw(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(t ->
                    assertThat(t).startsWith("text/html"));
            assertThat(page.body()).contains("<title>Schemafleet</title>").contains("/assets/app.js")
                    .contains("/api/openapi.yml");
        }
        assertThat(raw("/assets/app.js").body()).contains("/api/stream");
        assertThat(raw("/assets/app.css").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> raw(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(fixture.base().resolve(path))
                            .header("Authorization", "Bearer " + fixture.operatorToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static TenantReport report(String tenant, TenantState state, Instant at) {
        TenantReport.Failure failure = state == TenantState.FAILED
                ? new TenantReport.Failure("sql_failed", "9a2355b7dd59", "42P07", "relation \"audit_log\" already exists")
                : null;
        return new TenantReport(tenant, "a1", List.of(), state, "head", null, List.of(), failure, null, 1, at);
    }

    /** Opens the stream; a reader thread puts each {@code fleet} event's data on the queue. */
    private BlockingQueue<String> follow() throws IOException, InterruptedException {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(fixture.base().resolve("/api/stream"))
                        .header("Authorization", "Bearer " + fixture.operatorToken).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("text/event-stream"));
        stream = response.body();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isEmpty()) {
                        if ("fleet".equals(name)) {
                            events.add(data.toString());
                        }
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "stream-reader");
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    /** Takes events until one satisfies {@code condition}, failing after {@code within}. */
    private static JsonNode awaitEvent(BlockingQueue<String> events, Duration within,
                                       java.util.function.Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String data = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (data == null) {
                throw new AssertionError("no matching fleet event within " + within + "; saw " + seen);
            }
            seen.add(data);
            JsonNode fleet = CoordinatorFixture.JSON.readTree(data);
            if (condition.test(fleet)) {
                return fleet;
            }
        }
    }
}
