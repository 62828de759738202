package io.schemafleet.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S, 500ms", "5s, PT5S, 5s", "15m, PT15M, 15m", "1h, PT1H, 1h", "90m, PT1H30M, 90m",
            "0ms, PT0S, 0s", "120s, PT2M, 2m"})
    void readsAndWritesTheShortForms(String text, Duration duration, String formatted) {
        assertThat(Durations.parse(text)).isEqualTo(duration);
        assertThat(Durations.format(duration)).isEqualTo(formatted);
        assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 s", "-1s", "1d", "", "PT5S", "99999999999999999999h"})
    void refusesOtherFormsNamingTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
