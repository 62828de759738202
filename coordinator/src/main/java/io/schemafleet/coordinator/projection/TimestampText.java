package io.schemafleet.coordinator.projection;

import java.time.Instant;
import java.time.LocalDate;

/**
 * An instant as text PostgreSQL reads as a {@code timestamptz} at full precision:
 * {@code 2026-11-21T10:15:30.123456789Z}. Three go into every projected report, and
 * {@link Instant#toString} (a general formatter) was a tenth of decoding one. Years
 * outside 1000 to 9999 take {@link Instant#toString}'s form.
 */
final class TimestampText {
    private TimestampText() {
    }

    static String of(Instant at) {
        long seconds = at.getEpochSecond();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            return at.toString();
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nanos = at.getNano();
        char[] out = new char[nanos == 0 ? 20 : 30];
        put(out, 0, year, 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        if (nanos != 0) {
            out[19] = '.';
            put(out, 20, nanos, 9);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    /** {@code value} as {@code width} decimal digits, zero-padded, at {@code out[from]}. */
    private static void put(char[] out, int from, int value, int width) {
        for (int i = from + width - 1; i >= from; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
