package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.loop.HealthServer;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.deploy.PrometheusText;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure metrics on both sides from a real failed step, and the sample Grafana
 * dashboard against real scrapes: a coordinator and an agent with three tenants, one of
 * which already has the table a revision creates (SQLSTATE 42P07).
 */
class MetricsIT {
    private static final String HEAD = "c8626eb4ecaa";
    /** A metric name in a PromQL expression (ours and the few standard ones the dashboard uses). */
    private static final Pattern METRIC = Pattern.compile("\\b(schemafleet|http_server|jvm|process|hikaricp)_[a-z0-9_]+");

    @Test
    void aFailedStepShowsOnBothSidesByItsSqlstateClassAndTheDashboardQueriesOnlyRealMetrics() throws Exception {
        try (CoordinatorFixture coordinator = new CoordinatorFixture("metrics");
             TestDatabase db = TestDatabase.create("metrics");
             Databases pools = new Databases(DbCredentials.NONE, 2)) {
            db.execute("CREATE SCHEMA m_0; CREATE SCHEMA m_1; CREATE SCHEMA m_2;"
                    + " CREATE TABLE m_2.audit_log (id int)");
            coordinator.start();
            assertThat(coordinator.post("/api/revisions", CoordinatorFixture.filesBody(
                    CoordinatorFixture.exampleFiles())).status()).isEqualTo(201);
            assertThat(coordinator.post("/api/rollouts", CoordinatorFixture.JSON.createObjectNode().put("to", "head"))
                    .status()).isEqualTo(201);
            AgentSettings settings = coordinator.agentSettings(2, ApplyOptions.defaults("agent-m")
                    .withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10)));
            try (AgentLoop agent = new AgentLoop(settings, new SchemaPatternDiscovery(pools, db.url(), "m_%"), pools,
                    (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
                 HealthServer server = new HealthServer(0, agent::health, agent.metrics()::scrape)) {
                agent.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    JsonNode fleet = coordinator.get("/api/fleet").json();
                    return fleet.path("converged").asInt() == 2 && fleet.path("by_state").path("failed").asInt() == 1;
                });

                PrometheusText agentMetrics = scrape(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
                assertThat(agentMetrics.value("schemafleet_agent_step_failures_total", "sqlstate_class", "42"))
                        .isEqualTo(1);
                assertThat(agentMetrics.value("schemafleet_agent_tenants", "state", "failed")).isEqualTo(1);
                assertThat(agentMetrics.value("schemafleet_agent_tenants", "state", "converged")).isEqualTo(2);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    PrometheusText metrics = coordinator.readOnly().scrape();
                    assertThat(metrics.value("schemafleet_tenants_failed", "sqlstate_class", "42")).isEqualTo(1);
                    assertThat(metrics.find("schemafleet_tenants_failed")).hasSize(1);
                    assertThat(metrics.value("schemafleet_tenants", "state", "failed")).isEqualTo(1);
                    assertThat(metrics.value("schemafleet_tenants_behind_destination")).isEqualTo(1);
                    assertThat(metrics.sum("schemafleet_step_duration_seconds_count", "revision", HEAD)).isEqualTo(2);
                });

                JsonNode dashboard = CoordinatorFixture.JSON.readTree(
                        Files.readString(Path.of("grafana/schemafleet.json")));
                Set<String> queried = new TreeSet<>();
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        Matcher name = METRIC.matcher(target.path("expr").asText());
                        while (name.find()) {
                            queried.add(name.group());
                        }
                    }
                }
                assertThat(queried).as("metrics the dashboard queries").contains("schemafleet_tenants",
                        "schemafleet_step_duration_seconds_bucket", "schemafleet_agent_tenants");
                Set<String> scraped = new TreeSet<>(coordinator.readOnly().scrape().names());
                scraped.addAll(agentMetrics.names());
                assertThat(queried).as("queried metrics missing from the scrapes").isSubsetOf(scraped);
            }
        }
    }

    private static PrometheusText scrape(URI uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }
}
