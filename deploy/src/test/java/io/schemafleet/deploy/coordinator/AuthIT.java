package io.schemafleet.deploy.coordinator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.http.HttpMethod;
import io.micronaut.web.router.Router;
import io.schemafleet.coordinator.security.Role;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.deploy.coordinator.CoordinatorFixture.Reply;
import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * API token auth on a running coordinator: which paths need a token and which role, for
 * every route the router has (so routes added later are covered without a change here),
 * what the answers say, that no token ever reaches the logs, and how the coordinator
 * starts with auth off or refuses to start without tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
    private static final Set<String> READS = Set.of("GET", "HEAD");
    /** Routes that only read though sent as POST (AccessRules' narrow exception): a read-only token may send them. */
    private static final Set<String> READS_BY_POST = Set.of("POST /api/drift/diff");

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger http = (Logger) LoggerFactory.getLogger("io.micronaut.http");
    private Level httpLevel;
    private CoordinatorFixture fixture;
    private final List<String> apiRoutes = new ArrayList<>();

    @BeforeAll
    void start() {
        logs.start();
        root.addAppender(logs);
        // As chatty as an operator debugging requests would make it: still no token in the logs.
        httpLevel = http.getLevel();
        http.setLevel(Level.TRACE);
        fixture = new CoordinatorFixture("auth");
        fixture.start();
        fixture.context().getBean(Router.class).uriRoutes().forEach(route -> {
            String path = route.getUriMatchTemplate().toString().replaceAll("\\{\\?[^}]*}", "")
                    .replaceAll("\\{[^}]+}", "x");
            if (path.startsWith("/api/") && route.getHttpMethod() != HttpMethod.HEAD) {
                apiRoutes.add(route.getHttpMethodName() + " " + path);
            }
        });
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        http.setLevel(httpLevel);
        root.detachAppender(logs);
    }

    @Test
    void withoutATokenEveryApiRouteAndTheMetricsAnswer401WithAChallenge() {
        assertThat(apiRoutes).contains("GET /api/fleet", "POST /api/revisions", "POST /api/rollouts",
                "GET /api/auth/whoami");
        List<String> open = new ArrayList<>();
        for (String route : withMetrics()) {
            String[] r = route.split(" ");
            int status = fixture.anonymous().status(r[0], r[1]);
            if (status != 401 && !route.equals("GET /api/openapi.yml")) {
                open.add(route + " -> " + status);
            }
        }
        assertThat(open).as("routes answering without a token").isEmpty();

        HttpResponse<String> refused = fixture.anonymous().raw("GET", "/api/fleet");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Bearer"));
        Reply reply = fixture.anonymous().get("/api/fleet");
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("Unauthorized");
        assertThat(reply.json().at("/error/message").asText()).contains("Authorization: Bearer");
    }

    @Test
    void aWrongTokenIs401AndNoTokenEverReachesTheLogs() {
        String wrong = Tokens.generate(Role.OPERATOR);
        List<String> sent = List.of(wrong, Tokens.sha256Hex(fixture.operatorToken), fixture.operatorToken + "x");
        for (String token : sent) {
            HttpResponse<String> answer = fixture.as(token).raw("POST", "/api/rollouts");
            assertThat(answer.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Bearer").contains("invalid_token"));
            assertThat(answer.body()).doesNotContain(token);
        }
        // Not a bearer token at all.
        assertThat(fixture.anonymous().status("GET", "/api/fleet")).isEqualTo(401);
        assertThat(fixture.get("/api/fleet").status()).isEqualTo(200);

        List<String> secrets = new ArrayList<>(sent);
        secrets.add(fixture.operatorToken);
        secrets.add(fixture.readOnlyToken);
        assertThat(logs.list).as("log events").isNotEmpty();
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            String text = event.getFormattedMessage() + throwableText(event.getThrowableProxy());
            for (String secret : secrets) {
                assertThat(text).as("a log line of %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    @Test
    void aReadOnlyTokenGets403OnEveryWriteAndAnOperatorIsLetThrough() {
        List<String> writes = apiRoutes.stream()
                .filter(r -> !READS.contains(r.split(" ")[0]) && !READS_BY_POST.contains(r)).toList();
        assertThat(writes).contains("POST /api/revisions", "POST /api/rollouts");
        List<String> wrong = new ArrayList<>();
        for (String route : writes) {
            String[] r = route.split(" ");
            int readOnly = fixture.readOnly().status(r[0], r[1]);
            int operator = fixture.as(fixture.operatorToken).status(r[0], r[1]);
            if (readOnly != 403 || operator == 401 || operator == 403) {
                wrong.add(route + ": read-only " + readOnly + ", operator " + operator);
            }
        }
        assertThat(wrong).isEmpty();
        Reply forbidden = fixture.readOnly().post("/api/revisions", CoordinatorFixture.filesBody(
                CoordinatorFixture.exampleFiles()));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().at("/error/type").asText()).isEqualTo("Forbidden");
        assertThat(forbidden.json().at("/error/message").asText()).contains("operator");
        assertThat(fixture.get("/api/revisions").json().path("revisions")).as("nothing was published").isEmpty();
    }

    @Test
    void aReadOnlyTokenReadsEveryGetRouteAndTheMetrics() {
        List<String> refused = new ArrayList<>();
        for (String route : withMetrics()) {
            String[] r = route.split(" ");
            if (READS.contains(r[0])) {
                int status = fixture.readOnly().status(r[0], r[1]);
                if (status == 401 || status == 403) {
                    refused.add(route + " -> " + status);
                }
            }
        }
        assertThat(refused).isEmpty();
        assertThat(fixture.readOnly().get("/api/fleet").status()).isEqualTo(200);
        assertThat(fixture.readOnly().status("GET", "/prometheus")).isEqualTo(200);
    }

    @Test
    void aReadOnlyTokenMaySendTheReadsThatArePostsButNotWritesNextToThem() {
        assertThat(apiRoutes).as("every exception is a route").containsAll(READS_BY_POST);
        for (String route : READS_BY_POST) {
            String[] r = route.split(" ");
            assertThat(fixture.readOnly().status(r[0], r[1])).as(route).isNotIn(401, 403);
        }
        Reply diff = fixture.readOnly().post("/api/drift/diff", CoordinatorFixture.JSON.createObjectNode()
                .put("tenant", "nobody"));
        assertThat(diff.status()).as("past the filter, to the controller: %s", diff).isEqualTo(404);
        assertThat(fixture.readOnly().status("DELETE", "/api/drift/diff")).isEqualTo(403);
        assertThat(fixture.readOnly().status("POST", "/api/drift")).isEqualTo(403);
    }

    @Test
    void whoamiNamesTheRoleOfTheToken() {
        assertThat(fixture.get("/api/auth/whoami").json().get("role").asText()).isEqualTo("operator");
        assertThat(fixture.readOnly().get("/api/auth/whoami").json().get("role").asText()).isEqualTo("read-only");
        assertThat(fixture.anonymous().get("/api/auth/whoami").status()).isEqualTo(401);
    }

    @Test
    void healthTheDashboardAndTheOpenApiDocumentAreOpen() {
        assertThat(fixture.anonymous().status("GET", "/health")).isEqualTo(200);
        assertThat(fixture.anonymous().status("GET", "/health/liveness")).isEqualTo(200);
        assertThat(fixture.anonymous().status("GET", "/health/readiness")).isEqualTo(200);
        assertThat(fixture.anonymous().status("GET", "/api/openapi.yml")).isEqualTo(200);
        assertThat(fixture.anonymous().status("GET", "/")).isNotIn(401, 403);
        assertThat(fixture.anonymous().status("GET", "/index.html")).isNotIn(401, 403);
    }

    @Test
    void healthShowsItsDetailsToATokenHolderOnly() {
        Reply anonymous = fixture.anonymous().get("/health");
        assertThat(anonymous.json().path("status").asText()).as("%s", anonymous).isEqualTo("UP");
        assertThat(anonymous.json().path("details").isObject()).as("anonymous: %s", anonymous).isFalse();
        assertThat(anonymous.json().toString()).doesNotContain("jdbc", "diskSpace");
        Reply reader = fixture.readOnly().get("/health");
        assertThat(reader.json().path("details").path("jdbc").path("status").asText()).as("%s", reader)
                .isEqualTo("UP");
        assertThat(reader.json().path("details").has("writer")).as("%s", reader).isTrue();
    }

    @Test
    void spellingsOfAProtectedPathDoNotGetPastTheFilter() {
        for (String path : List.of("//api/fleet", "/api/./fleet", "/api/x/../fleet", "/%61pi/fleet", "/API/fleet",
                "/api%2Ffleet", "/prometheus/", "/x/../prometheus", "/api/openapi.yml/../fleet")) {
            assertThat(fixture.anonymous().status("GET", path)).as(path).isIn(400, 401, 404);
        }
    }

    @Test
    void withAuthOffAnyoneMayDoAnythingAndTheLogSaysSoLoudly() {
        try (CoordinatorFixture open = new CoordinatorFixture("authoff")) {
            open.settings.put("schemafleet.auth.enabled", false);
            open.start();
            assertThat(open.anonymous().get("/api/fleet").status()).isEqualTo(200);
            assertThat(open.anonymous().get("/api/auth/whoami").json().get("role").asText()).isEqualTo("operator");
            assertThat(open.anonymous().post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode()
                    .put("to", "head")).status()).as("refused for nothing being published, not for auth").isEqualTo(400);
            assertThat(open.anonymous().status("GET", "/prometheus")).isEqualTo(200);
        }
        assertThat(List.copyOf(logs.list)).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("API AUTH IS OFF", "schemafleet.auth.enabled=false");
        });
    }

    @Test
    void tokenHashesMayComeFromAFile() throws IOException {
        String token = Tokens.generate(Role.READ_ONLY);
        Path file = Files.createTempFile("schemafleet-tokens", ".txt");
        try (CoordinatorFixture fromFile = new CoordinatorFixture("authfile")) {
            Files.writeString(file, "# read-only tokens\n" + Tokens.sha256Hex(token) + "  # the dashboard's\n\n");
            fromFile.settings.put("schemafleet.auth.operator-tokens", List.of());
            fromFile.settings.put("schemafleet.auth.read-only-tokens", List.of());
            fromFile.settings.put("schemafleet.auth.read-only-tokens-file", file.toString());
            fromFile.start();
            assertThat(fromFile.as(token).get("/api/auth/whoami").json().get("role").asText()).isEqualTo("read-only");
            assertThat(fromFile.readOnly().get("/api/fleet").status()).as("not configured any more").isEqualTo(401);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void withAuthOnAndNoTokenTheCoordinatorRefusesToStartAndSaysWhatToSet() {
        try (CoordinatorFixture none = new CoordinatorFixture("authnone")) {
            none.settings.put("schemafleet.auth.operator-tokens", List.of());
            none.settings.put("schemafleet.auth.read-only-tokens", List.of());
            assertThatThrownBy(none::start).satisfies(e -> assertThat(reason(e)).contains(
                    "no token is configured", "schemafleet.auth.operator-tokens", "SCHEMAFLEET_AUTH_OPERATOR_TOKENS",
                    "schemafleet.auth.read-only-tokens", "schemafleet token generate", "schemafleet.auth.enabled=false"));
        }
    }

    @Test
    void aTokenConfiguredInPlaceOfItsHashIsRefusedWithoutEchoingIt() {
        String token = Tokens.generate(Role.OPERATOR);
        try (CoordinatorFixture pasted = new CoordinatorFixture("authpasted")) {
            pasted.settings.put("schemafleet.auth.operator-tokens", List.of(token));
            assertThatThrownBy(pasted::start).satisfies(e -> assertThat(reason(e))
                    .contains("schemafleet.auth.operator-tokens", "not a SHA-256 hex hash").doesNotContain(token));
        }
    }

    private List<String> withMetrics() {
        List<String> routes = new ArrayList<>(new TreeSet<>(apiRoutes));
        routes.add("GET /prometheus");
        return routes;
    }

    /** The message of the SchemafleetException behind a failed start. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemafleetException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("no SchemafleetException behind " + e, e);
    }

    private static String throwableText(IThrowableProxy proxy) {
        StringBuilder out = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            out.append(' ').append(p.getClassName()).append(": ").append(p.getMessage());
        }
        return out.toString();
    }
}
