package io.schemafleet.coordinator.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the coordinator's HTTP API in unit tests of the fleet commands: answers
 * each {@code METHOD /path} with the status and body it was given ({@code 404} otherwise)
 * and records every request, so a test sees exactly what the CLI sent. The real API is
 * exercised by {@code FleetCliIT} in deploy.
 */
final class RecordingCoordinator implements AutoCloseable {
    /** One request as it arrived. */
    record Request(String method, String pathAndQuery, String authorization, String contentType, String body) {
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    RecordingCoordinator() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new Request(exchange.getRequestMethod(), query == null ? path : path + "?" + query,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Answer(404, "{\"error\":{\"type\":\"NotFound\",\"message\":\"no route " + path + "\"}}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    /** Answers {@code METHOD /path} (any query) with this status and JSON body from now on. */
    RecordingCoordinator answer(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, body));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The one request to {@code METHOD /path...}; fails if there were none or several. */
    Request only(String method, String pathPrefix) {
        List<Request> matching = requests.stream()
                .filter(r -> r.method().equals(method) && r.pathAndQuery().startsWith(pathPrefix)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + method + " " + pathPrefix + ", got " + requests);
        }
        return matching.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
