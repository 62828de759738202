package io.schemafleet.coordinator.projection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-21T10:15:30Z", "2026-11-21T10:15:30.123456Z", "2026-11-21T10:15:30.000000001Z",
            "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "1000-01-01T00:00:00.5Z", "9999-12-31T23:59:59Z"})
    void writesTheInstantWithEveryFractionDigit(String text) {
        Instant at = Instant.parse(text);

        String written = TimestampText.of(at);

        assertThat(Instant.parse(written)).isEqualTo(at);
        assertThat(written).matches(at.getNano() == 0 ? "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"
                : "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    }

    @Test
    void anyInstantOfTheCommonYearsReadsBackTheSame() {
        SplittableRandom random = new SplittableRandom(9);
        long from = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(from, to + 1), random.nextInt(1_000_000_000));
            assertThat(Instant.parse(TimestampText.of(at))).isEqualTo(at);
        }
    }

    @Test
    void yearsOutsideFourDigitsAreWrittenAsInstantWritesThem() {
        Instant early = Instant.parse("0999-12-31T23:59:59.5Z");
        Instant late = Instant.parse("+10000-01-01T00:00:00Z");

        assertThat(TimestampText.of(early)).isEqualTo(early.toString());
        assertThat(TimestampText.of(late)).isEqualTo(late.toString());
    }
}
