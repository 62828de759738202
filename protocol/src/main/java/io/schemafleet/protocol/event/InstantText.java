package io.schemafleet.protocol.event;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#parse}, quicker for the form producers write ({@link BodyWriter#instant}:
 * {@code 2024-05-01T12:00:00.123456789Z}, 0 to 9 fraction digits): every event carries two
 * instants, and the general parser was a fifth of decoding one. Anything else, valid or
 * not, is Instant.parse's, so results and errors are its own.
 */
final class InstantText {
    private static final int[] SCALE = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private InstantText() {
    }

    static Instant parse(String text) {
        Instant quick = quick(text);
        return quick != null ? quick : Instant.parse(text);
    }

    /** The instant, or null if {@code text} is not plainly of the common form. */
    private static Instant quick(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || n > 20 && s.charAt(19) != '.') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int fraction = n == 20 ? 0 : digits(s, 20, n - 1);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1)
                .lengthOfMonth() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
                || fraction < 0) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        int nanos = n == 20 ? 0 : fraction * SCALE[9 - (n - 21)];
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    /** The decimal number in {@code s[from, to)}, or -1 if a character there is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
