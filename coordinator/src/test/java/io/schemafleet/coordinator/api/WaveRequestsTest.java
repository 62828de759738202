package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.schemafleet.coordinator.publish.RequestRefused;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaveRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void wavesAreReadWithTheirLenientForms() throws Exception {
        var waves = WaveRequests.parse(json("[{\"name\":\"canary\",\"labels\":{\"tier\":\"canary\"},\"soak\":\"2m\","
                + "\"max_failures\":\"5%\"},{\"bucket_percent\":\"10%\",\"parallelism\":3}]"));
        assertThat(waves).hasSize(2);
        assertThat(waves.get(0).soak()).isEqualTo(Duration.ofMinutes(2));
        assertThat(waves.get(0).maxFailuresPercent()).isEqualTo(5);
        assertThat(waves.get(1).name()).isEqualTo("wave-2");
        assertThat(waves.get(1).bucketPercent()).isEqualTo(10);
    }

    @Test
    void aMisspeltFieldIsRefusedNotIgnored() throws Exception {
        // "wave" for "waves" would otherwise roll the whole fleet at once.
        assertThatThrownBy(() -> WaveRequests.onlyFields(json("{\"to\":\"head\",\"wave\":[]}"),
                WaveRequests.ROLLOUT_FIELDS, "the rollout"))
                .isInstanceOf(RequestRefused.class).hasMessageContaining("unknown field 'wave'");
        assertThatThrownBy(() -> WaveRequests.parse(json("[{\"name\":\"c\",\"label\":{\"tier\":\"canary\"}}]")))
                .isInstanceOf(RequestRefused.class).hasMessageContaining("waves[0] has an unknown field 'label'");
    }

    @Test
    void labelValuesMustBeStrings() throws Exception {
        assertThatThrownBy(() -> WaveRequests.parse(json("[{\"labels\":{\"tier\":1}}]")))
                .isInstanceOf(RequestRefused.class).hasMessageContaining("waves[0].labels.tier must be a string");
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
