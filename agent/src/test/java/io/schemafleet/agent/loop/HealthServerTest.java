package io.schemafleet.agent.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
}
