package io.schemafleet.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsciiRunTest {

    /** Every class the protocol checks with, against the regular expression it stands for. */
    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {"A-Za-z0-9._- 1 128", "A-Za-z0-9._:- 1 128", "!-~ 1 255", "0-9a-f 64 64",
            "a-z0-9_ 1 64", "0-9A-Z 5 5", "A-Za-z0-9_$./- 1 255", "A-Za-z0-9_ 1 32"})
    void agreesWithTheRegularExpressionOnAnyString(String characters, int min, int max) {
        AsciiRun run = AsciiRun.of(characters, min, max);
        Pattern regex = Pattern.compile("[" + characters + "]{" + min + "," + max + "}");
        // Characters of the class, and now and then one that is not (from control characters to
        // non-ASCII letters and digits and half a surrogate pair), so that both answers come up.
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder("\u00e9\u0663\ud83d\u212a");
        Pattern member = Pattern.compile("[" + characters + "]");
        for (char c = 0; c < 128; c++) {
            (member.matcher(String.valueOf(c)).matches() ? in : out).append(c);
        }
        SplittableRandom random = new SplittableRandom(min * 1_000L + max);
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(max + 3);
            StringBuilder s = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                CharSequence from = random.nextInt(2 * max) == 0 ? out : in;
                s.append(from.charAt(random.nextInt(from.length())));
            }
            boolean expected = regex.matcher(s).matches();
            assertThat(run.matches(s)).as("%s on %s", run, s).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        assertThat(matched).as("strings that matched, so both answers were exercised").isBetween(1, 19_999);
    }

    @Test
    void everyAsciiCharacterIsJudgedAsTheRegexJudgesIt() {
        AsciiRun run = AsciiRun.of("A-Za-z0-9_$./-", 1, 1);
        Pattern regex = run.pattern();
        for (char c = 0; c < 256; c++) {
            assertThat(run.matches(String.valueOf(c))).as("char %d", (int) c)
                    .isEqualTo(regex.matcher(String.valueOf(c)).matches());
        }
    }

    @Test
    void refusesAClassBeyondAscii() {
        assertThatThrownBy(() -> AsciiRun.of("a-\u00ff", 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AsciiRun.of("z-a", 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
