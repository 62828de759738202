package io.schemafleet.agent.loop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The agent's small HTTP server: {@code GET /health} for container probes (200
 * {@code {"status":"UP",...}} once the agent has read the log, 503 before) and
 * {@code GET /metrics} in Prometheus' text format. The JDK's own server: the agent needs
 * nothing heavier for two routes.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    /** Prometheus' text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    public HealthServer(int port, Supplier<Health> health, Supplier<String> metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for health checks on port " + port, e);
        }
        server.createContext("/health", exchange -> {
            Health h = health.get();
            send(exchange, h.up() ? 200 : 503, "application/json", h.json());
        });
        server.createContext("/metrics", exchange -> send(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
        server.start();
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            // Both routes only read: a POST or a PUT is a mistake worth saying, not a 200.
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            status = 405;
            type = "text/plain; charset=utf-8";
            text = method + " is not allowed here: GET or HEAD\n";
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1); // no body, and no length the JDK would warn about
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
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
            // Built with Jackson: the destination comes from the log and may hold quotes (development mode).
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("status", up ? "UP" : "DOWN").put("agent", agent)
                    .put("poison_records", poisonRecords).put("refused_events", refusedEvents)
                    .put("destination", destination);
            return o.toString();
        }
    }
}
