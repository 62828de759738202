package io.schemafleet.coordinator.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FleetWatch} against a coordinator API that answers from a script: the cases where
 * what the watch concludes depends on the order in which the projection shows things.
 */
class FleetWatchTest {
    private static final String FLEET = """
            {"destination": "head", "rollout": "r-2", "rollout_state": "running", "destination_heads": ["h2"],
             "tenants": 3, "converged": 2, "by_state": {"converged": 2, "failed": 1}, "by_heads": {}, "agents": 1}""";

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aTenantThatFailsAgainUnderTheNewRolloutStopsTheWatchThoughNoCountChanges() throws Exception {
        // The tenant failed under the older rollout r-1 and then fails again under r-2: the fleet's
        // counts read the same before and after, only the tenant's own row says which rollout.
        AtomicInteger tenantReads = new AtomicInteger();
        start(exchange -> {
            if (exchange.getRequestURI().getPath().equals("/api/fleet")) {
                return FLEET;
            }
            String rollout = tenantReads.getAndIncrement() < 2 ? "r-1" : "r-2";
            return """
                    {"tenants": [{"id": "t3", "state": "failed", "heads": "h1", "rollout_id": "%s",
                      "error": {"code": "sql_failed", "revision": "h2", "sqlstate": "42P07",
                                "message": "relation \\"audit_log\\" already exists"}}]}""".formatted(rollout);
        });
        StringWriter text = new StringWriter();
        FleetWatch watch = new FleetWatch(client(), 3, System.nanoTime(), new PrintWriter(text, true), false);

        FleetWatch.Outcome outcome = watch.run(FleetWatch.Until.SETTLED, Duration.ofSeconds(20), () -> false);

        assertThat(outcome).as(text.toString()).isEqualTo(FleetWatch.Outcome.STUCK);
        assertThat(tenantReads.get()).isGreaterThanOrEqualTo(3);
        assertThat(text.toString()).contains("t3 failed at h2 (heads h1): 42P07");
    }

    @Test
    void aTenantFailedUnderAnOlderRolloutKeepsTheWatchWaitingForItsRetry() throws Exception {
        start(exchange -> exchange.getRequestURI().getPath().equals("/api/fleet") ? FLEET : """
                {"tenants": [{"id": "t3", "state": "failed", "heads": "h1", "rollout_id": "r-1"}]}""");
        StringWriter text = new StringWriter();
        FleetWatch watch = new FleetWatch(client(), 3, System.nanoTime(), new PrintWriter(text, true), false);

        FleetWatch.Outcome outcome = watch.run(FleetWatch.Until.SETTLED, Duration.ofSeconds(1), () -> false);

        assertThat(outcome).as(text.toString()).isEqualTo(FleetWatch.Outcome.TIMED_OUT);
    }

    @Test
    void aTenantThatRecoversIsNamedBeforeTheLineThatSaysTheFleetGotThere() throws Exception {
        // The tenants' answers follow the fleet's last one: failed until its third read, then converged.
        AtomicInteger fleetReads = new AtomicInteger();
        start(exchange -> {
            if (exchange.getRequestURI().getPath().equals("/api/fleet")) {
                return fleetReads.incrementAndGet() < 3 ? FLEET : FLEET.replace(
                        "\"converged\": 2, \"by_state\": {\"converged\": 2, \"failed\": 1}",
                        "\"converged\": 3, \"by_state\": {\"converged\": 3}");
            }
            // failed under the older rollout: the watch waits for its retry instead of stopping
            return fleetReads.get() >= 3 ? "{\"tenants\": []}" : """
                    {"tenants": [{"id": "t3", "state": "failed", "heads": "h1", "rollout_id": "r-1"}]}""";
        });
        StringWriter text = new StringWriter();
        FleetWatch watch = new FleetWatch(client(), 3, System.nanoTime(), new PrintWriter(text, true), false);

        FleetWatch.Outcome outcome = watch.run(FleetWatch.Until.SETTLED, Duration.ofSeconds(20), () -> false);

        assertThat(outcome).as(text.toString()).isEqualTo(FleetWatch.Outcome.CONVERGED);
        assertThat(text.toString().indexOf("t3 is no longer failed")).as(text.toString()).isNotNegative()
                .isLessThan(text.toString().indexOf("converged: first tenant migrated"));
    }

    @Test
    void aFleetSettledOnlyAtPinsDoesNotClaimATenantMigrated() throws Exception {
        // Every tenant is held at a pin elsewhere: the fleet is settled, none went to the destination.
        start(exchange -> """
                {"destination": "head", "rollout": "r-2", "rollout_state": "running", "destination_heads": ["h2"],
                 "tenants": 2, "converged": 0, "by_state": {"converged": 2}, "by_heads": {"h1": 2}, "agents": 1,
                 "pinned_elsewhere": 2}""");
        StringWriter text = new StringWriter();
        FleetWatch watch = new FleetWatch(client(), 2, System.nanoTime(), new PrintWriter(text, true), false);

        FleetWatch.Outcome outcome = watch.run(FleetWatch.Until.SETTLED, Duration.ofSeconds(20), () -> false);

        assertThat(outcome).as(text.toString()).isEqualTo(FleetWatch.Outcome.CONVERGED);
        assertThat(text.toString()).contains("converged: no tenant migrated to the destination, all 2 converged after")
                .contains("2 of them held at a pin elsewhere").doesNotContain("-1.0 s");
    }

    @Test
    void aPauseAndTheResumeAreEachSaidOnce() throws Exception {
        // Paused for the fleet's second and third reads, running again from the fourth, converged from the fifth.
        AtomicInteger fleetReads = new AtomicInteger();
        start(exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/api/fleet")) {
                return "{\"tenants\": []}"; // the failed tenant is not this rollout's: the watch waits on
            }
            int read = fleetReads.incrementAndGet();
            String fleet = FLEET.replace("\"running\"", read == 2 || read == 3 ? "\"paused\"" : "\"running\"");
            return read < 5 ? fleet : fleet.replace("\"converged\": 2, \"by_state\": {\"converged\": 2, \"failed\": 1}",
                    "\"converged\": 3, \"by_state\": {\"converged\": 3}");
        });
        StringWriter text = new StringWriter();
        FleetWatch watch = new FleetWatch(client(), 3, System.nanoTime(), new PrintWriter(text, true), false);

        FleetWatch.Outcome outcome = watch.run(FleetWatch.Until.CONVERGED, Duration.ofSeconds(20), () -> false);

        assertThat(outcome).as(text.toString()).isEqualTo(FleetWatch.Outcome.CONVERGED);
        String said = text.toString();
        assertThat(said.split("rollout r-2 is paused", -1)).as(said).hasSize(2);
        assertThat(said.split("rollout r-2 is running again", -1)).as(said).hasSize(2);
        assertThat(said.indexOf("is paused: no tenant takes a new step until it is resumed (schemafleet rollout resume"
                + " r-2)")).as(said).isNotNegative().isLessThan(said.indexOf("is running again"));
    }

    private interface Script {
        String answer(HttpExchange exchange);
    }

    private void start(Script script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", exchange -> {
            byte[] body = script.answer(exchange).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    private FleetClient client() {
        return new FleetClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), null);
    }
}
