package io.schemafleet.coordinator.cli;

import io.schemafleet.coordinator.client.WavePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolloutFileTest {
    @Test
    void readsTheSameWavesAsTheSpecs() {
        RolloutFile file = RolloutFile.parse("""
                to: head
                supersede: true
                waves:
                  - name: canary
                    labels: {tier: canary}
                    soak: 2m
                    max_failures: 0
                    parallelism: 5
                  - name: p10
                    bucket_percent: 10
                    max_failures: 5%
                  - name: rest
                    bucket_percent: 100%
                    soak: PT30S
                    max_failures_percent: 1
                """);

        assertThat(file.to()).isEqualTo("head");
        assertThat(file.supersede()).isTrue();
        assertThat(file.waves()).containsExactly(
                WaveSpec.parse("canary:tier=canary:soak=2m:max-failures=0:parallelism=5"),
                WaveSpec.parse("10%:max-failures=5%"),
                new WavePlan("rest", Map.of(), 100, Duration.ofSeconds(30), null, 1, null));
    }

    @Test
    void everythingIsOptional() {
        RolloutFile file = RolloutFile.parse("waves: []\n");

        assertThat(file).isEqualTo(new RolloutFile(null, List.of(), null));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "'- head'                                          | expected a mapping with to, waves and supersede",
            "'to: head\ndestination: head'                     | unknown field 'destination'",
            "'supersede: yes please'                           | supersede must be true or false",
            "'waves: canary'                                   | waves must be a list",
            "'waves:\n  - labels: {tier: canary}'              | wave 1: name is missing",
            "'waves:\n  - name: a\n  - name: b\n    soak: 2x'  | wave 2 (b): soak '2x' is not a duration",
            "'waves:\n  - name: a\n    max-failures: 0'        | wave 1 (a): unknown wave field 'max-failures'",
            "'waves:\n  - name: a\n    labels: [x]'            | wave 1 (a): labels must be a mapping",
            "'waves:\n  - name: a\n    max_failures: 1\n    max_failures_percent: 5' | 'max-failures' given twice",
            "'to: [head'                                       | not YAML",
    })
    void badFilesSayWhereAndWhat(String yaml, String message) {
        assertThatThrownBy(() -> RolloutFile.parse(yaml.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
