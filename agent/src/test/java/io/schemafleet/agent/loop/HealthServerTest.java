package io.schemafleet.agent.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

import static org.assertj.core.api.Assertions.assertThat;

class HealthServerTest {
    @Test
    void aDestinationWithQuotesAndBackslashesStaysValidJson() throws Exception {
        // A destination comes from the log; in development mode nobody vouches for it.
        HealthServer.Health health = new HealthServer.Health(true, "agent-a", 2, 1, "he\"ad\\\",\"x\":\"");

        JsonNode json = new ObjectMapper().readTree(health.json());

        assertThat(json.get("destination").asText()).isEqualTo("he\"ad\\\",\"x\":\"");
        assertThat(json.get("status").asText()).isEqualTo("UP");
        assertThat(json.get("poison_records").asLong()).isEqualTo(2);
        assertThat(json.has("x")).isFalse();
        assertThat(new ObjectMapper().readTree(new HealthServer.Health(false, "a", 0, 0, null).json())
                .get("destination").isNull()).isTrue();
    }

    @Test
    void itAnswersGetAndHeadAndRefusesOtherMethods() throws Exception {
        try (HealthServer server = new HealthServer(0, () -> new HealthServer.Health(true, "a", 0, 0, "head"),
                () -> "x 1\n")) {
            HttpClient client = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");

            HttpResponse<String> get = client.send(HttpRequest.newBuilder(health).build(), BodyHandlers.ofString());
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(health)
                    .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(health)
                    .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());

            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).contains("\"status\":\"UP\"");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }
}
