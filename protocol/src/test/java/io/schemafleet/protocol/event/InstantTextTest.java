package io.schemafleet.protocol.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstantTextTest {

    @Test
    void givesWhatInstantParseGivesForEveryFractionLength() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
                    random.nextInt(1_000_000_000));
            String text = at.toString();
            if (text.contains(".")) { // cut the fraction to 1 to 9 digits
                int dot = text.indexOf('.');
                text = text.substring(0, dot + 1 + Math.min(random.nextInt(9) + 1, text.length() - dot - 2)) + "Z";
            }
            assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEveryOtherFormAndEveryErrorToInstantParse() {
        for (String text : List.of("2024-02-29T23:59:59Z", "0000-01-01T00:00:00Z", "2024-05-01T12:00:00.000000000Z",
                "2024-05-01t12:00:00z", "2024-05-01T12:00:00+02:00", "+12024-05-01T12:00:00Z", "2016-12-31T23:59:60Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00.Z")) {
            assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : List.of("2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z",
                "2024-05-01T12:60:00Z", "2024-05-01T12:00:00.1234567890Z",
                "2024-05-01 12:00:00Z", "2024-05-0aT12:00:00Z", "2024-05-01T12:00:00", "")) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> InstantText.parse(text)).as(text).isInstanceOf(DateTimeParseException.class)
                    .hasMessage(catchMessage(text));
        }
    }

    private static String catchMessage(String text) {
        try {
            Instant.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return e.getMessage();
        }
    }
}
