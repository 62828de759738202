package io.schemafleet.coordinator.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The coordinator's HTTP API, exactly the requests an operator would send with curl,
 * with the bearer token when there is one. Every failure is a
 * {@link FleetClientException} saying what was asked of which URL and what to do.
 */
public final class FleetClient {
    /** Where the CLI finds the coordinator unless {@code --url} says otherwise. */
    public static final String URL_ENV = "SCHEMAFLEET_URL";
    /** Where the CLI finds the API token unless {@code --token-file} says otherwise. */
    public static final String TOKEN_ENV = "SCHEMAFLEET_TOKEN";
    public static final String DEFAULT_URL = "http://localhost:8080";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param base  the coordinator, e.g. {@code http://localhost:8080}
     * @param token the bearer token; null sends none
     */
    public FleetClient(URI base, String token) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.token = token;
    }

    public URI base() {
        return base;
    }

    /**
     * The files of a valid revisions directory, name to exact text, in file-name order,
     * as {@code POST /api/revisions} takes them.
     */
    public static SortedMap<String, String> files(RevisionDirectory dir) {
        SortedMap<String, String> files = new TreeMap<>();
        for (RevisionFile file : dir.files()) {
            files.put(file.path().getFileName().toString(), file.text());
        }
        if (files.isEmpty()) {
            throw new SchemafleetException("no revision files (*.sql) in " + dir.dir());
        }
        return files;
    }

    /** {@code POST /api/revisions}: the answer's {@code published} lists the new ids, {@code unchanged} the rest. */
    public JsonNode publish(Map<String, String> files) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("files");
        files.forEach((name, content) -> array.addObject().put("name", name).put("content", content));
        return post("api/revisions", body);
    }

    /** {@code POST /api/rollouts}: starts a rollout of the whole fleet to {@code destination}, in one wave. */
    public JsonNode rollout(String destination) {
        return post("api/rollouts", JSON.createObjectNode().put("to", destination));
    }

    /** {@code POST /api/rollouts} with the plan's waves and whether it supersedes a running rollout. */
    public JsonNode rollout(RolloutPlan plan) {
        return post("api/rollouts", plan.toJson());
    }

    /** {@code POST /api/rollouts/{id}/pause|resume|abort}: {@code {"rollout_id","state"}}. */
    public JsonNode rolloutAction(String rolloutId, RolloutAction action) {
        return post("api/rollouts/" + segment(rolloutId) + "/" + action.path(), JSON.createObjectNode());
    }

    /** {@code GET /api/rollouts?limit=N}: the newest rollouts first. */
    public JsonNode rollouts(int limit) {
        return get("api/rollouts?limit=" + limit);
    }

    /** {@code GET /api/rollouts/{id}}. */
    public JsonNode rolloutDetail(String rolloutId) {
        return get("api/rollouts/" + segment(rolloutId));
    }

    /** {@code GET /api/fleet} as it came. */
    public JsonNode fleetJson() {
        return get("api/fleet");
    }

    /** {@code GET /api/fleet}. */
    public FleetView fleet() {
        return FleetView.of(fleetJson());
    }

    /**
     * {@code GET /api/tenants}: one page of tenants by id.
     *
     * @param state a state code; null for every state
     * @param heads ids separated by commas, or {@code base}; null for any heads
     */
    public JsonNode tenants(String state, String heads, int page, int size) {
        List<String> query = new ArrayList<>();
        if (state != null) {
            query.add("state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
        }
        if (heads != null) {
            query.add("heads=" + URLEncoder.encode(heads, StandardCharsets.UTF_8));
        }
        query.add("page=" + page);
        query.add("size=" + size);
        return get("api/tenants?" + String.join("&", query));
    }

    /** {@code GET /api/tenants/{id}?history=N}: the tenant and its newest events first. */
    public JsonNode tenant(String id, int history) {
        return get("api/tenants/" + segment(id) + "?history=" + history);
    }

    /** {@code POST /api/tenants/{id}/retry}: {@code {"tenant","event_id"}}. */
    public JsonNode retry(String tenant) {
        return post("api/tenants/" + segment(tenant) + "/retry", JSON.createObjectNode());
    }

    /**
     * {@code POST /api/tenants/{id}/pin}: {@code {"tenant","to"}}.
     *
     * @param to an absolute destination; null pins the tenant where it is
     */
    public JsonNode pin(String tenant, String to) {
        var body = JSON.createObjectNode();
        if (to != null) {
            body.put("to", to);
        }
        return post("api/tenants/" + segment(tenant) + "/pin", body);
    }

    /** {@code POST /api/tenants/{id}/unpin}: {@code {"tenant","to":null}}. */
    public JsonNode unpin(String tenant) {
        return post("api/tenants/" + segment(tenant) + "/unpin", JSON.createObjectNode());
    }

    /** {@code GET /api/pins}: tenant → the destination it is pinned at. */
    public JsonNode pins() {
        return get("api/pins");
    }

    /** {@code GET /api/agents}: every agent as of its newest heartbeat. */
    public JsonNode agents() {
        return get("api/agents");
    }

    /** {@code GET /api/drift}: drifted tenants (a page) and the heads whose tenants disagree. */
    public JsonNode drift(int page, int size) {
        return get("api/drift?page=" + page + "&size=" + size);
    }

    /**
     * {@code POST /api/drift/diff}: what differs between two tenants' schemas.
     *
     * @param against the other tenant; null for a tenant with the majority's schema
     */
    public JsonNode diff(String tenant, String against) {
        var body = JSON.createObjectNode().put("tenant", tenant);
        if (against != null) {
            body.put("against", against);
        }
        return post("api/drift/diff", body);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** What {@link #send} would send (visible for the tests of the requests the CLI builds). */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private JsonNode send(HttpRequest request) {
        String what = request.method() + " " + request.uri();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new FleetClientException(FleetClientException.Kind.UNREACHABLE, 0, "Unreachable",
                    "cannot reach the coordinator at " + base + " (" + describe(e) + "): is it running? Set the URL"
                            + " with --url or " + URL_ENV, e);
        } catch (HttpTimeoutException e) {
            throw new FleetClientException(FleetClientException.Kind.UNREACHABLE, 0, "Unreachable",
                    what + " did not answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new FleetClientException(FleetClientException.Kind.UNREACHABLE, 0, "Unreachable",
                    what + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetClientException(FleetClientException.Kind.UNREACHABLE, 0, "Interrupted",
                    what + " was interrupted", e);
        }
        return answer(what, response.statusCode(), response.body());
    }

    /** The JSON of a 2xx answer, or the exception an error answer means. */
    JsonNode answer(String what, int status, String text) {
        JsonNode json = null;
        if (text != null && !text.isBlank()) {
            try {
                json = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                json = null;
            }
        }
        if (status >= 200 && status < 300) {
            if (json == null && text != null && !text.isBlank()) {
                throw new FleetClientException(FleetClientException.Kind.REFUSED, status, "NotJson",
                        what + " answered " + status + " with something other than JSON: is " + base
                                + " a Schemafleet coordinator?", null);
            }
            return json == null ? JSON.nullNode() : json;
        }
        String type = errorType(json, status);
        String message = errorMessage(json, text);
        throw switch (status) {
            case 401 -> new FleetClientException(FleetClientException.Kind.UNAUTHORIZED, status, type,
                    "401 from " + what + ": " + (token == null
                            ? "set " + TOKEN_ENV + " (or --token-file PATH) to an API token"
                            : "the coordinator does not accept the token (from " + TOKEN_ENV + " or --token-file)"),
                    null);
            case 403 -> new FleetClientException(FleetClientException.Kind.FORBIDDEN, status, type,
                    "403 from " + what + ": " + (message.isEmpty() ? "" : message + "; ")
                            + "this needs an operator token, not a read-only one", null);
            default -> new FleetClientException(FleetClientException.Kind.REFUSED, status, type,
                    (message.isEmpty() ? what + " answered " + status : message) + " (" + status + " " + type
                            + " from " + what + ")", message.isEmpty() ? null : message, null);
        };
    }

    /** {@code {"error":{"type":…}}} as the API answers, or {@code {"error":"Code"}}; else the status' name. */
    private static String errorType(JsonNode json, int status) {
        if (json != null) {
            JsonNode error = json.path("error");
            if (error.isTextual()) {
                return error.asText();
            }
            if (error.path("type").isTextual()) {
                return error.path("type").asText();
            }
        }
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 503 -> "Unavailable";
            default -> "Http" + status;
        };
    }

    private static String errorMessage(JsonNode json, String text) {
        if (json == null) {
            String plain = text == null ? "" : text.strip();
            return plain.length() > 200 ? plain.substring(0, 200) + "…" : plain;
        }
        JsonNode message = json.path("error").path("message");
        if (message.isMissingNode()) {
            message = json.path("message");
        }
        return message.asText("").strip();
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return e.getCause() instanceof java.nio.channels.UnresolvedAddressException ? "unknown host"
                    : "connection refused";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
