package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpMethod;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.schemafleet.deploy.coordinator.CoordinatorFixture.Reply;
import io.schemafleet.protocol.event.AgentHeartbeat;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-written OpenAPI document served at {@code /api/openapi.yml} against the
 * running coordinator: it describes exactly the routes Micronaut's router has (no route
 * undocumented, no stale path), and real answers of every route conform to the schemas it
 * declares for their status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final String MID = "5e656b9e303b";
    private static final String HEAD = "c8626eb4ecaa";

    private CoordinatorFixture fixture;
    private HttpResponse<String> served;
    private JsonNode spec;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        fixture = new CoordinatorFixture("openapi");
        fixture.start();
        URI base = fixture.context().getBean(EmbeddedServer.class).getURI();
        served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/openapi.yml")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(served.body());
        spec = CoordinatorFixture.JSON.valueToTree(yaml);
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void servesAnOpenApi3DocumentAsYaml() {
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).matches("(application|text)/(x-)?yaml.*"));
        assertThat(spec.path("openapi").asText()).startsWith("3.");
        assertThat(spec.at("/info/title").asText()).isNotBlank();
        assertThat(spec.path("paths").isObject()).isTrue();
        List<String> unresolved = new ArrayList<>();
        refs(spec, "", unresolved);
        assertThat(unresolved).as("$refs that point nowhere").isEmpty();
    }

    @Test
    void documentsEveryApiRouteAndNothingElse() {
        Router router = fixture.context().getBean(Router.class);
        Set<String> routed = new TreeSet<>();
        Set<String> allRoutes = new TreeSet<>();
        router.uriRoutes().forEach(route -> {
            String path = path(route);
            allRoutes.add(route.getHttpMethodName() + " " + path);
            if (path.startsWith("/api/") && !impliedHead(router, route, path)) {
                routed.add(route.getHttpMethodName() + " " + path);
            }
        });
        Set<String> documented = new TreeSet<>();
        Set<String> documentedApi = new TreeSet<>();
        spec.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(op -> {
            if (OPERATIONS.contains(op)) {
                String key = op.toUpperCase(Locale.ROOT) + " " + p.getKey();
                documented.add(key);
                if (p.getKey().startsWith("/api/")) {
                    documentedApi.add(key);
                }
            }
        }));

        assertThat(routed).as("routes under /api/").contains("POST /api/revisions", "GET /api/fleet",
                "GET /api/openapi.yml");
        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documentedApi);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(allRoutes);
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(undocumented).as("routes the document does not describe (documented: %s)", documentedApi)
                    .isEmpty();
            soft.assertThat(stale).as("documented operations without a route (routes: %s)", allRoutes).isEmpty();
        });
    }

    @Test
    void realAnswersConformToTheirDocumentedSchemas() {
        // before anything is published: nulls and empty lists
        check("GET", "/api/fleet", fixture.get("/api/fleet"), 200);
        check("GET", "/api/revisions", fixture.get("/api/revisions"), 200);
        check("POST", "/api/rollouts", fixture.post("/api/rollouts", json("{\"to\":\"head\"}")), 400);
        check("POST", "/api/revisions", fixture.post("/api/revisions", json("{\"files\":[]}")), 400);

        // publish, publish again, start a rollout
        var files = CoordinatorFixture.filesBody(CoordinatorFixture.exampleFiles());
        check("POST", "/api/revisions", fixture.post("/api/revisions", files), 201);
        check("POST", "/api/revisions", fixture.post("/api/revisions", files), 200);
        Reply rollout = check("POST", "/api/rollouts", fixture.post("/api/rollouts", json("{\"to\":\"head\"}")), 201);
        String rolloutId = rollout.json().get("rollout_id").asText();
        check("GET", "/api/revisions", fixture.get("/api/revisions"), 200);

        // an agent with a converged tenant and a failed one, whose failure is newer than a retry request
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        fixture.produce(new AgentHeartbeat("a1", 2, t0, t0.plusSeconds(5), "0.1.0"), "agent:a1");
        fixture.produce(new TenantReport("t1", "a1", List.of(HEAD), TenantState.CONVERGED, "head", rolloutId,
                List.of(new TenantReport.Step(HEAD, Direction.UPGRADE, 12)), null, "a".repeat(64), 1,
                t0.plusSeconds(1)), "agent:a1");
        fixture.produce(new TenantReport("t2", "a1", List.of(MID), TenantState.FAILED, "head", rolloutId, List.of(),
                new TenantReport.Failure("sql_failed", "9a2355b7dd59", "42P07", "relation \"audit_log\" already exists"),
                null, 1, t0.plusSeconds(2)), "agent:a1");
        fixture.produce(new TenantReport("t3", "a1", List.of(), TenantState.BLOCKED, null, null, List.of(),
                new TenantReport.Failure("unreachable", null, null, "connection refused"), null, 0,
                t0.plusSeconds(3)), "agent:a1");
        fixture.produce(new TenantRetryRequested("t2", "ops", t0.plusSeconds(1)), "user:ops");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(fixture.get("/api/fleet").json().get("tenants").asLong()).isEqualTo(3);
            assertThat(fixture.get("/api/tenants/t2").json().get("history")).hasSize(2);
        });

        Reply fleet = check("GET", "/api/fleet", fixture.get("/api/fleet"), 200);
        assertThat(fleet.json().get("destination_heads")).isNotNull().hasSize(1);
        Reply page = check("GET", "/api/tenants", fixture.get("/api/tenants?size=2&page=0"), 200);
        assertThat(page.json().get("tenants")).hasSize(2);
        check("GET", "/api/tenants", fixture.get("/api/tenants?state=failed&heads=" + MID), 200);
        check("GET", "/api/tenants", fixture.get("/api/tenants?heads=base"), 200);
        check("GET", "/api/tenants", fixture.get("/api/tenants?size=0"), 400);
        check("GET", "/api/tenants", fixture.get("/api/tenants?page=x"), 400);
        check("GET", "/api/tenants/{id}", fixture.get("/api/tenants/t1"), 200);
        check("GET", "/api/tenants/{id}", fixture.get("/api/tenants/t2?history=5"), 200);
        check("GET", "/api/tenants/{id}", fixture.get("/api/tenants/t3"), 200);
        check("GET", "/api/tenants/{id}", fixture.get("/api/tenants/nobody"), 404);
        Reply retry = check("POST", "/api/tenants/{id}/retry", fixture.post("/api/tenants/t2/retry", json("{}")), 202);
        assertThat(retry.json().get("tenant").asText()).isEqualTo("t2");
        assertThat(retry.json().get("applied").asBoolean()).isTrue();
        check("POST", "/api/tenants/{id}/retry", fixture.post("/api/tenants/nobody/retry", json("{}")), 404);
        check("GET", "/api/tenants", fixture.get("/api/tenants?state=failed,blocked"), 200);
        // t2 was retried: behind until its agent reports again
        assertThat(fixture.get("/api/tenants?state=failed,blocked").json().get("total").asLong()).isEqualTo(1);
        check("GET", "/api/agents", fixture.get("/api/agents"), 200);
        check("GET", "/api/auth/whoami", fixture.readOnly().get("/api/auth/whoami"), 200);
        check("GET", "/api/fleet", fixture.anonymous().get("/api/fleet"), 401);
        check("GET", "/api/auth/whoami", fixture.as("sfro_not-a-token").get("/api/auth/whoami"), 401);
        check("POST", "/api/rollouts", fixture.readOnly().post("/api/rollouts", json("{\"to\":\"head\"}")), 403);
        check("POST", "/api/revisions", fixture.anonymous().post("/api/revisions", files), 401);
        check("GET", "/health", fixture.anonymous().get("/health"), 200);
        check("GET", "/health", fixture.get("/health"), 200);
        check("GET", "/health/{selector}", fixture.get("/health/liveness"), 200);
        check("GET", "/health/{selector}", fixture.get("/health/readiness"), 200);
        check("GET", "/health/{selector}", fixture.get("/health/sideways"), 400);

        // staged rollouts: a wave that soaks for an hour keeps the rollout running
        Reply staged = check("POST", "/api/rollouts", fixture.post("/api/rollouts", json("{\"to\":\"head\","
                + "\"supersede\":true,\"waves\":[{\"name\":\"canary\",\"labels\":{\"tier\":\"canary\"},"
                + "\"soak\":\"1h\",\"max_failures\":0},{\"name\":\"rest\",\"bucket_percent\":\"100%\"}]}")), 201);
        String staging = staged.json().get("rollout_id").asText();
        check("POST", "/api/rollouts", fixture.post("/api/rollouts", json("{\"to\":\"head\"}")), 409);
        check("GET", "/api/rollouts", fixture.get("/api/rollouts"), 200);
        check("GET", "/api/rollouts/{id}", fixture.get("/api/rollouts/" + staging), 200);
        check("GET", "/api/rollouts/{id}", fixture.get("/api/rollouts/" + rolloutId), 200);
        check("GET", "/api/rollouts/{id}", fixture.get("/api/rollouts/nosuch"), 404);
        check("POST", "/api/rollouts/{id}/resume", fixture.post("/api/rollouts/" + staging + "/resume", json("{}")), 409);
        check("POST", "/api/rollouts/{id}/pause", fixture.post("/api/rollouts/" + staging + "/pause", json("{}")), 200);
        check("POST", "/api/rollouts/{id}/pause", fixture.post("/api/rollouts/nosuch/pause", json("{}")), 404);
        check("POST", "/api/rollouts/{id}/resume", fixture.post("/api/rollouts/" + staging + "/resume", json("{}")), 200);
        check("POST", "/api/rollouts/{id}/abort", fixture.post("/api/rollouts/" + staging + "/abort", json("{}")), 200);
        check("POST", "/api/rollouts/{id}/abort", fixture.post("/api/rollouts/" + staging + "/abort", json("{}")), 409);
        assertThat(check("GET", "/api/fleet", fixture.get("/api/fleet"), 200).json().get("rollout_state").asText())
                .isEqualTo("aborted");
        check("POST", "/api/tenants/{id}/pin", fixture.post("/api/tenants/t1/pin", json("{}")), 200);
        check("POST", "/api/tenants/{id}/pin", fixture.post("/api/tenants/t1/pin", json("{\"to\":\"-1\"}")), 400);
        check("POST", "/api/tenants/{id}/pin", fixture.post("/api/tenants/nobody/pin", json("{}")), 404);
        check("GET", "/api/pins", fixture.get("/api/pins"), 200);
        check("POST", "/api/tenants/{id}/unpin", fixture.post("/api/tenants/t1/unpin", json("{}")), 200);
        check("POST", "/api/tenants/{id}/unpin", fixture.post("/api/tenants/t1/unpin", json("{}")), 409);
        check("POST", "/api/tenants/{id}/unpin", fixture.post("/api/tenants/nobody/unpin", json("{}")), 404);
    }

    /**
     * Asserts that the answer has the expected status, that the document declares that
     * status for the operation, and that the body conforms to the declared schema.
     */
    private Reply check(String method, String path, Reply reply, int status) {
        assertThat(reply.status()).as("%s %s: %s", method, path, reply).isEqualTo(status);
        JsonNode operation = spec.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        assertThat(operation.isObject()).as("%s %s is documented", method, path).isTrue();
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        assertThat(response.isObject()).as("%s %s documents status %d", method, path, status).isTrue();
        JsonNode schema = resolve(response).path("content").path("application/json").path("schema");
        assertThat(schema.isObject()).as("%s %s %d has a JSON schema", method, path, status).isTrue();
        List<String> problems = new ArrayList<>();
        conform(reply.json(), schema, "$", problems);
        assertThat(problems).as("%s %s %d: %s", method, path, status, reply.json()).isEmpty();
        return reply;
    }

    /** Collects where {@code value} does not conform to {@code schema} (the OpenAPI 3.0 subset the document uses). */
    private void conform(JsonNode value, JsonNode schema, String where, List<String> problems) {
        schema = resolve(schema);
        if (value == null || value.isMissingNode()) {
            problems.add(where + ": missing");
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(where + ": null but not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean typed = switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            case "" -> true;
            default -> false;
        };
        if (!typed) {
            problems.add(where + ": " + value.getNodeType() + " where the document says " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(where + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isTextual()) {
            String text = value.asText();
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
                problems.add(where + ": '" + text + "' does not match " + schema.get("pattern").asText());
            }
            if (schema.path("format").asText("").equals("date-time")) {
                try {
                    OffsetDateTime.parse(text);
                } catch (DateTimeParseException e) {
                    problems.add(where + ": '" + text + "' is not a date-time");
                }
            }
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                conform(value.get(i), schema.path("items"), where + "[" + i + "]", problems);
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(where + ": required member '" + required.asText() + "' is missing");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String at = where + "." + member.getKey();
                if (properties.has(member.getKey())) {
                    conform(member.getValue(), properties.get(member.getKey()), at, problems);
                } else if (additional.isObject()) {
                    conform(member.getValue(), additional, at, problems);
                } else if (!additional.asBoolean(false)) {
                    problems.add(at + ": not declared in the document");
                }
            }
        }
    }

    /** Follows a local {@code $ref} (to any depth). */
    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            assertThat(ref).as("only local references").startsWith("#/");
            node = spec.at(ref.substring(1));
            assertThat(node.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return node;
    }

    /** Every {@code $ref} in the document that does not point at a node. */
    private void refs(JsonNode node, String where, List<String> unresolved) {
        if (node.isObject()) {
            node.fields().forEachRemaining(member -> {
                if (member.getKey().equals("$ref")) {
                    String ref = member.getValue().asText();
                    if (!ref.startsWith("#/") || spec.at(ref.substring(1)).isMissingNode()) {
                        unresolved.add(where + ": " + ref);
                    }
                } else {
                    refs(member.getValue(), where + "/" + member.getKey(), unresolved);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refs(node.get(i), where + "/" + i, unresolved);
            }
        }
    }

    /** The route's path as OpenAPI writes it: no query part, variables without patterns. */
    static String path(UriRouteInfo<?, ?> route) {
        String template = route.getUriMatchTemplate().toString();
        int query = template.indexOf("{?");
        if (query >= 0) {
            template = template.substring(0, query);
        }
        template = template.replaceAll("\\{([^}:?]+)[:?][^}]*}", "{$1}");
        return template.length() > 1 && template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
    }

    /** A HEAD route Micronaut adds for a GET route: documented by the GET. */
    private static boolean impliedHead(Router router, UriRouteInfo<?, ?> route, String path) {
        return route.getHttpMethod() == HttpMethod.HEAD && router.uriRoutes().anyMatch(other ->
                other.getHttpMethod() == HttpMethod.GET && path(other).equals(path)
                        && other.getDeclaringType().equals(route.getDeclaringType())
                        && other.getTargetMethod().getMethodName().equals(route.getTargetMethod().getMethodName()));
    }

    private static JsonNode json(String text) {
        try {
            return CoordinatorFixture.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
