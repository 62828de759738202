package io.schemafleet.agent.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "5s, PT5S",
            "15m, PT15M",
            "1h, PT1H",
            "0ms, PT0S",
            "90m, PT1H30M",
    })
    void readsTheSupportedUnits(String value, Duration expected) {
        assertThat(converter.convert(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 s", "-1s", "1d", "", "s", "1.5s", "5S", "5sec", "PT5S", "ms"})
    void refusesOtherForms(String value) {
        assertThatThrownBy(() -> converter.convert(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + value + "'");
    }
}
