package io.schemafleet.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.SchemafleetException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The coordinator's HTTP API as the demo uses it: exactly the requests an operator
 * would send with curl ({@code POST /api/revisions}, {@code POST /api/rollouts},
 * {@code GET /api/fleet}, {@code GET /api/tenants}), with the demo's operator token.
 */
final class FleetApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FleetApi(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Publishes revision files; the answer's {@code published} lists the new ids. */
    JsonNode publish(Map<String, String> files) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("files");
        files.forEach((name, content) -> array.addObject().put("name", name).put("content", content));
        return post("/api/revisions", body);
    }

    /** Starts a rollout of the whole fleet to {@code destination}. */
    JsonNode rollout(String destination) {
        return post("/api/rollouts", JSON.createObjectNode().put("to", destination));
    }

    FleetView fleet() {
        return FleetView.of(get("/api/fleet"));
    }

    /** The first {@code size} tenants in a state. */
    JsonNode tenants(String state, int size) {
        return get("/api/tenants?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8) + "&size=" + size);
    }

    private JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest request) {
        String what = request.method() + " " + request.uri().getPath();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode json = text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
            if (response.statusCode() >= 300) {
                throw new SchemafleetException(what + " answered " + response.statusCode() + ": "
                        + json.path("error").path("message").asText(text));
            }
            return json;
        } catch (IOException e) {
            throw new SchemafleetException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemafleetException(what + " interrupted", e);
        }
    }
}
