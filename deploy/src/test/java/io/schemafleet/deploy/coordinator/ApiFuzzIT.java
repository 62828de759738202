package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile HTTP input against every route the running coordinator's router has (found
 * at run time, like {@link OpenApiIT}, so routes added later are fuzzed too): odd path
 * parameters, bad query parameters, malformed, truncated, huge, wrongly typed and
 * wrongly shaped bodies, and body fields from the OpenAPI document's request schemas
 * given wrong types and hostile strings. Every answer must be below 500 and every error
 * an {@code ApiError} ({@code {"error":{"type","message"}}}); requests that cannot be
 * valid must be refused (4xx); and afterwards the fleet is as it was: nothing was
 * appended to the revisions or rollouts topics and the API answers the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiFuzzIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String HEAD = "c8626eb4ecaa";
    /** Above the coordinator's {@code micronaut.server.max-request-size}. */
    private static final int HUGE = 17 * 1024 * 1024;
    /** Quotes, semicolons, SQL, unicode, control characters, 10 KB: as text, before URL encoding. */
    static final List<String> HOSTILE_TEXT = List.of(
            "'", "\"", ";", "t1'; DROP TABLE tenants; --", "t1\" OR \"1\"=\"1", "ténant", "租户", "😀", "\u202Et1",
            "t1\u0000", "t1\nX-Injected: 1", "\u0007", "..", "../../etc/passwd", "a/b", "%", "{id}", " ", "x".repeat(10_240));
    /** Values for integer query parameters that are not usable integers (or absurd ones). */
    private static final List<String> BAD_NUMBERS = List.of("-1", "x", "1.5", "99999999999999999999", "2147483647",
            "-2147483648", "");
    private static final List<String> MALFORMED_BODIES = List.of("{", "{\"files\": [", "not json", "[]", "\"text\"",
            "42", "null", "true", "{}", "{\"bogus\": 1}", "{\"a\": 1, \"a\": 2}", "{\"to\": {\"$gt\": \"\"}}",
            "[".repeat(100_000) + "]".repeat(100_000), "{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");

    private CoordinatorFixture fixture;
    private JsonNode spec;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        fixture = new CoordinatorFixture("fuzz");
        fixture.start(Map.of("schemafleet.max-revision-bytes", "64KB"));
        // a fleet worth protecting: revisions, a rollout, a tenant and an agent
        assertThat(fixture.post("/api/revisions", CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles()))
                .status()).isEqualTo(201);
        CoordinatorFixture.Reply rollout = fixture.post("/api/rollouts",
                CoordinatorFixture.JSON.createObjectNode().put("to", "head"));
        assertThat(rollout.status()).isEqualTo(201);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        fixture.produce(new AgentHeartbeat("a1", 1, t0, t0, "0.1.0"), "agent:a1");
        fixture.produce(new TenantReport("t1", "a1", List.of(HEAD), TenantState.CONVERGED, "head",
                rollout.json().get("rollout_id").asText(), List.of(), null, "a".repeat(64), 1, t0), "agent:a1");
        // The engine completes the rollout once its one tenant converged, writing to the rollouts topic: that
        // must be over before the fuzz, which checks that nothing is written and every view stays as it was.
        await().atMost(DEADLINE).until(() -> fixture.get("/api/fleet").json().path("rollout_state").asText()
                .equals("completed"));
        HttpResponse<String> served = http.send(HttpRequest.newBuilder(fixture.base().resolve("/api/openapi.yml"))
                .build(), HttpResponse.BodyHandlers.ofString());
        spec = CoordinatorFixture.JSON.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(served.body()));
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** One request and whether it can only be refused. */
    record Probe(String method, String route, String path, String contentType, byte[] body, boolean mustBeRefused,
                 String what) {
        @Override
        public String toString() {
            return method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path) + " [" + what + "]";
        }
    }

    @Test
    void everyRouteRefusesHostileInputWithAnApiErrorAndChangesNothing() throws Exception {
        // given
        Map<String, Long> offsets = coordinatorTopicEnds();
        Map<String, JsonNode> views = views();
        List<Probe> probes = new ArrayList<>();
        Set<String> routes = new LinkedHashSet<>();
        for (UriRouteInfo<?, ?> route : fixture.context().getBean(Router.class).uriRoutes().toList()) {
            if (route.getHttpMethod() == HttpMethod.HEAD || route.getHttpMethod() == HttpMethod.OPTIONS) {
                continue;
            }
            routes.add(route.getHttpMethodName() + " " + OpenApiIT.path(route));
            probes.addAll(probes(route));
        }

        // when
        List<String> problems = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (Probe probe : probes) {
            String problem = send(probe, statuses);
            if (problem != null) {
                problems.add(probe + ": " + problem);
            }
        }

        // then
        System.out.println("ApiFuzzIT: " + probes.size() + " requests over " + routes.size() + " routes " + routes
                + "; statuses " + statuses);
        assertThat(routes).contains("POST /api/revisions", "POST /api/rollouts", "GET /api/tenants/{id}");
        assertThat(problems).as("answers that are not a clean refusal").isEmpty();
        assertThat(coordinatorTopicEnds()).as("nothing was appended to the revisions or rollouts topics")
                .isEqualTo(offsets);
        assertThat(views()).as("the API answers as before").isEqualTo(views);
    }

    @Test
    void aRevisionFileOverTheCapIsRefusedWith413NamingTheFileAndItsSize() throws Exception {
        // given: a file just over schemafleet.max-revision-bytes (64 KB here), next to a good one
        Map<String, Long> offsets = coordinatorTopicEnds();
        String big = "-- revision: b16b16b16b16\n-- down_revision: " + HEAD + "\n-- +upgrade\n"
                + "SELECT 1; -- " + "é".repeat(32 * 1024) + "\n";
        int bytes = big.getBytes(StandardCharsets.UTF_8).length;
        Map<String, String> files = new TreeMap<>(Map.of("b16b16b16b16_big.sql", big,
                "0a0a0a0a0a0a_fine.sql", "-- revision: 0a0a0a0a0a0a\n-- down_revision: " + HEAD + "\n-- +upgrade\n"));

        // when
        CoordinatorFixture.Reply reply = fixture.post("/api/revisions", CoordinatorFixture.filesBody(files));

        // then
        assertThat(reply.status()).as("%s", reply).isEqualTo(413);
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("RevisionTooLarge");
        assertThat(reply.json().at("/error/message").asText()).isEqualTo("b16b16b16b16_big.sql: " + bytes
                + " bytes, more than the 65536 a revision file may have (schemafleet.max-revision-bytes):"
                + " split it into several revisions");
        assertThat(coordinatorTopicEnds()).as("nothing published, not even the small file").isEqualTo(offsets);
        assertThat(fixture.get("/api/revisions").json().toString()).doesNotContain("0a0a0a0a0a0a", "b16b16b16b16");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedSayingWhereWithoutJacksonsInternals() throws Exception {
        // given
        Map<String, Long> offsets = coordinatorTopicEnds();

        // when
        CoordinatorFixture.Reply stray = fixture.post("/api/revisions", "{x");
        CoordinatorFixture.Reply truncated = fixture.post("/api/rollouts", "{\"to\": [");

        // then
        assertThat(stray.status()).as("%s", stray).isEqualTo(400);
        assertThat(stray.json().at("/error/type").asText()).as("%s", stray).isEqualTo("BadRequest");
        assertThat(stray.json().at("/error/message").asText()).isEqualTo("request body is not valid JSON:"
                + " Unexpected character ('x' (code 120)): was expecting double-quote to start field name"
                + " at line 1, column 2");
        assertThat(truncated.status()).as("%s", truncated).isEqualTo(400);
        assertThat(truncated.json().at("/error/type").asText()).as("%s", truncated).isEqualTo("BadRequest");
        assertThat(truncated.json().at("/error/message").asText())
                .startsWith("request body is not valid JSON: Unexpected end-of-input")
                .contains("(start marker at line 1, column 8)").endsWith("; expected {\"to\":\"head\"}")
                .doesNotContain("REDACTED", "Source:", "StreamReadFeature", "Invalid JSON");
        assertThat(coordinatorTopicEnds()).as("nothing was appended").isEqualTo(offsets);
    }

    /** The requests for one route. */
    private List<Probe> probes(UriRouteInfo<?, ?> route) {
        String method = route.getHttpMethodName();
        String template = OpenApiIT.path(route);
        List<String> variables = route.getUriMatchTemplate().getVariableNames().stream()
                .filter(template::contains).toList();
        boolean hasBody = !method.equals("GET") && !method.equals("DELETE");
        List<Probe> out = new ArrayList<>();
        // odd path parameters, one variable at a time (the others a plausible, unknown id)
        for (String variable : variables) {
            for (String value : HOSTILE_TEXT) {
                String path = fill(template, variable, encode(value));
                out.add(new Probe(method, template, path, "application/json", hasBody ? "{}".getBytes() : null,
                        true, "path " + variable + "=" + shorten(value)));
            }
            for (String raw : List.of("%00", "%ff%fe", "%2e%2e", "%2F", "%25", "a%0d%0ab")) {
                out.add(new Probe(method, template, fill(template, variable, raw), "application/json",
                        hasBody ? "{}".getBytes() : null, true, "raw path " + variable + "=" + raw));
            }
        }
        String plain = plainPath(template);
        // bad query parameters: every declared one, and an unknown one
        for (String query : queryParameters(route)) {
            for (String value : concat(BAD_NUMBERS, HOSTILE_TEXT)) {
                out.add(new Probe(method, template, plain + "?" + query + "=" + encode(value), "application/json",
                        hasBody ? "{}".getBytes() : null, hasBody, "query " + query + "=" + shorten(value)));
            }
        }
        out.add(new Probe(method, template, plain + "?bogus=%00&bogus=" + "y".repeat(10_000), "application/json",
                hasBody ? "{}".getBytes() : null, hasBody, "unknown query parameter"));
        // longer than the server reads (micronaut.server.netty.max-initial-line-length): 414 or 413
        out.add(new Probe(method, template, plain + "?bogus=" + "z".repeat(20_000), "application/json",
                hasBody ? "{}".getBytes() : null, true, "20 KB request line"));
        if (!hasBody) {
            return out;
        }
        // malformed, truncated, wrongly typed and shaped bodies
        for (String body : MALFORMED_BODIES) {
            out.add(new Probe(method, template, plain, "application/json", body.getBytes(StandardCharsets.UTF_8),
                    true, "body " + shorten(body)));
        }
        out.add(new Probe(method, template, plain, "application/json", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28,
                '"', ':', '1', '}'}, true, "invalid UTF-8"));
        out.add(new Probe(method, template, plain, "text/plain", "{\"to\":\"head\"}".getBytes(), true,
                "text/plain body"));
        out.add(new Probe(method, template, plain, "application/x-www-form-urlencoded", "to=head".getBytes(), true,
                "form body"));
        out.add(new Probe(method, template, plain, "application/json", huge(), true, "huge body"));
        // each documented body field with the wrong type or a hostile string, the other string
        // fields a plausible value that names nothing (so that the field at fault decides)
        Map<String, JsonNode> fields = requestFields(method, template);
        for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
            for (JsonNode value : wrongValues(field.getValue())) {
                ObjectNode body = CoordinatorFixture.JSON.createObjectNode();
                fields.forEach((name, schema) -> {
                    if (schema.path("type").asText().equals("string")) {
                        body.put(name, "nosuch0");
                    }
                });
                body.set(field.getKey(), value);
                out.add(new Probe(method, template, plain, "application/json",
                        body.toString().getBytes(StandardCharsets.UTF_8), true,
                        "field " + field.getKey() + "=" + shorten(value.toString())));
            }
        }
        out.addAll(waveLabelProbes(method, template, fields));
        return out;
    }

    /**
     * Wave label names with quotes, semicolons, unicode, control characters or 10 KB, and
     * 10 KB values, in an otherwise valid rollout: where the document says a rollout
     * request has waves with labels, these alone must make it fail.
     */
    private List<Probe> waveLabelProbes(String method, String template, Map<String, JsonNode> fields) {
        JsonNode wave = resolve(fields.getOrDefault("waves", CoordinatorFixture.JSON.missingNode()).path("items"));
        if (!wave.path("properties").has("labels")) {
            return List.of();
        }
        List<Probe> out = new ArrayList<>();
        List<Map.Entry<String, String>> labels = new ArrayList<>();
        // "a/b" is a valid label key (a prefix and a name, as Kubernetes has them), not a hostile one.
        HOSTILE_TEXT.stream().filter(key -> !key.equals("a/b")).forEach(key -> labels.add(Map.entry(key, "canary")));
        labels.add(Map.entry("tier", "c".repeat(10_240)));
        labels.add(Map.entry("tier", "canary\u0000"));
        for (Map.Entry<String, String> label : labels) {
            ObjectNode body = CoordinatorFixture.JSON.createObjectNode().put("to", "head").put("supersede", true);
            body.putArray("waves").addObject().put("name", "w1").putObject("labels")
                    .put(label.getKey(), label.getValue());
            out.add(new Probe(method, template, template, "application/json",
                    body.toString().getBytes(StandardCharsets.UTF_8), true,
                    "wave label " + shorten(label.getKey()) + "=" + shorten(label.getValue())));
        }
        return out;
    }

    /** Sends {@code probe}; null if the answer is acceptable, else what is wrong with it. */
    private String send(Probe probe, Map<Integer, Integer> statuses) {
        URI uri;
        try {
            uri = URI.create(fixture.base().toString().replaceFirst("/$", "") + probe.path());
        } catch (IllegalArgumentException e) {
            return "the test built an invalid URI: " + e.getMessage();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + fixture.operatorToken);
        if (probe.body() != null) {
            request.header("Content-Type", probe.contentType());
        }
        request.method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        HttpResponse<InputStream> response;
        String text;
        try {
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException closed) {
                // The server closes a connection after refusing a request line longer than it reads
                // (it cannot find where the request's body ends); a client's next request on that
                // connection finds it closed. Once more, on a new one.
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            }
            try (InputStream body = response.body()) {
                // an event stream never ends: its status is the answer
                boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                text = stream ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "no HTTP answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        if (status >= 500) {
            return status + " " + shorten(text);
        }
        if (probe.mustBeRefused() && status < 400) {
            return "accepted (" + status + ") what must be refused: " + shorten(text);
        }
        if (status >= 400) {
            try {
                JsonNode error = CoordinatorFixture.JSON.readTree(text).path("error");
                if (!error.path("type").isTextual() || error.path("type").asText().isBlank()
                        || !error.path("message").isTextual() || error.path("message").asText().isBlank()) {
                    return status + " without an ApiError body: " + shorten(text);
                }
                if (error.path("message").asText().matches(
                        "(?s).*(\\b(io\\.schemafleet|java\\.lang|com\\.fasterxml)\\.|Source: REDACTED|StreamReadFeature).*")) {
                    return status + " with Java internals in its message: " + shorten(text);
                }
            } catch (IOException e) {
                return status + " with a body that is not JSON: " + shorten(text);
            }
        }
        return null;
    }

    /** The properties of the operation's JSON request body, nested objects' and array items' ones flattened. */
    private Map<String, JsonNode> requestFields(String method, String template) {
        JsonNode schema = resolve(spec.path("paths").path(template).path(method.toLowerCase(Locale.ROOT))
                .path("requestBody")).path("content").path("application/json").path("schema");
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        resolve(schema).path("properties").fields().forEachRemaining(p -> fields.put(p.getKey(), resolve(p.getValue())));
        return fields;
    }

    /** Values of the wrong JSON type for {@code schema}, and hostile strings where it wants a string. */
    private List<JsonNode> wrongValues(JsonNode schema) {
        var json = CoordinatorFixture.JSON;
        List<JsonNode> out = new ArrayList<>();
        String type = schema.path("type").asText("");
        if (!type.equals("object")) {
            out.add(json.createObjectNode().put("nested", "object"));
        }
        if (!type.equals("array")) {
            out.add(json.createArrayNode().add(1).add("two"));
        }
        if (!type.equals("boolean")) {
            out.add(json.getNodeFactory().booleanNode(true));
        }
        if (!type.equals("integer") && !type.equals("number")) {
            out.add(json.getNodeFactory().numberNode(-1));
        }
        out.add(json.getNodeFactory().numberNode(1e308));
        out.add(json.getNodeFactory().nullNode());
        if (type.equals("string")) {
            HOSTILE_TEXT.forEach(s -> out.add(json.getNodeFactory().textNode(s)));
        } else {
            out.add(json.getNodeFactory().textNode("x".repeat(10_240)));
        }
        if (type.equals("array")) {
            JsonNode items = resolve(schema.path("items"));
            ObjectNode item = json.createObjectNode();
            items.path("properties").fieldNames().forEachRemaining(name -> item.put(name, "'; DROP TABLE x; --"));
            out.add(json.createArrayNode().add(item));
            ObjectNode longItem = json.createObjectNode();
            items.path("properties").fieldNames().forEachRemaining(name -> longItem.put(name, "ü".repeat(10_240)));
            out.add(json.createArrayNode().add(longItem));
            out.add(json.createArrayNode().addNull());
        }
        return out;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = spec.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    /** Query parameters the route's method declares. */
    private static List<String> queryParameters(UriRouteInfo<?, ?> route) {
        return Arrays.stream(route.getTargetMethod().getArguments())
                .filter(a -> a.getAnnotationMetadata().hasAnnotation(QueryValue.class))
                .map(Argument::getName).toList();
    }

    /** The template with every variable a plausible id nothing has (so that only the body decides). */
    private static String plainPath(String template) {
        return template.replaceAll("\\{[^}]+}", "nosuch0");
    }

    private static String fill(String template, String variable, String value) {
        return plainPath(template.replace("{" + variable + "}", "\u0000")).replace("\u0000", value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] huge() {
        byte[] body = new byte[HUGE];
        Arrays.fill(body, (byte) 'x');
        byte[] open = "{\"files\":[{\"name\":\"a.sql\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(open, 0, body, 0, open.length);
        byte[] close = "\"}]}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(close, 0, body, body.length - close.length, close.length);
        return body;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String shorten(String s) {
        String flat = s.chars().mapToObj(c -> c < 0x20 ? String.format("\\x%02x", c) : String.valueOf((char) c))
                .collect(Collectors.joining());
        return flat.length() > 100 ? flat.substring(0, 100) + "…(" + s.length() + " chars)" : flat;
    }

    /** End offsets of the topics only the coordinator writes. */
    private Map<String, Long> coordinatorTopicEnds() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers()))) {
            Map<String, Long> out = new TreeMap<>();
            for (String topic : List.of(fixture.topics.revisions(), fixture.topics.rollouts())) {
                TopicPartition tp = new TopicPartition(topic, 0);
                out.put(topic, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
            }
            return out;
        }
    }

    /** What the API says about the fleet. */
    private Map<String, JsonNode> views() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String path : List.of("/api/fleet", "/api/revisions", "/api/tenants", "/api/tenants/t1", "/api/agents")) {
            CoordinatorFixture.Reply reply = fixture.get(path);
            assertThat(reply.status()).as("GET %s", path).isEqualTo(200);
            out.put(path, reply.json());
        }
        return out;
    }
}
