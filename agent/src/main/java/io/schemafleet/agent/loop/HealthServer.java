package io.schemafleet.agent.loop;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A minimal HTTP health endpoint for the agent ({@code GET /health}), for container
 * probes: 200 {@code {"status":"UP",...}} once the agent has read the log, 503 before.
 * The JDK's own server: the agent needs nothing heavier for one route.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(int port, Supplier<Health> health) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for health checks on port " + port, e);
        }
        server.createContext("/health", exchange -> {
            Health h = health.get();
            byte[] body = h.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(h.up() ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** What the endpoint says. */
    public record Health(boolean up, String agent, long poisonRecords, long refusedEvents, String destination) {
        String json() {
            return "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"agent\":\"" + agent + "\",\"poison_records\":"
                    + poisonRecords + ",\"refused_events\":" + refusedEvents + ",\"destination\":" + (destination == null ? "null" : "\"" + destination + "\"")
                    + "}";
        }
    }
}
