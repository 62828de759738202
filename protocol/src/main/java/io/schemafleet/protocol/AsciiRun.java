package io.schemafleet.protocol;

import java.util.regex.Pattern;

/**
 * A whole-string check equal to the regular expression {@code [CLASS]{min,max}} for a class
 * of ASCII characters and ranges ({@code A-Za-z0-9._-}), without a regex engine: ids and
 * names are checked in every event decoded, and the engine was a fifth of decoding one.
 */
public final class AsciiRun {
    private final boolean[] allowed = new boolean[128];
    private final String characters;
    private final int min;
    private final int max;

    private AsciiRun(String characters, int min, int max) {
        this.characters = characters;
        this.min = min;
        this.max = max;
        for (int i = 0; i < characters.length(); i++) {
            char from = characters.charAt(i);
            char to = from;
            if (i + 2 < characters.length() && characters.charAt(i + 1) == '-') {
                to = characters.charAt(i + 2);
                i += 2;
            }
            if (to >= allowed.length || from > to) {
                throw new IllegalArgumentException("not a class of ASCII characters and ranges: " + characters);
            }
            for (char c = from; c <= to; c++) {
                allowed[c] = true;
            }
        }
    }

    /**
     * @param characters what goes between the brackets of a regex character class: single
     *                   characters and ranges {@code a-z}; a '-' first or last is itself
     */
    public static AsciiRun of(String characters, int min, int max) {
        return new AsciiRun(characters, min, max);
    }

    /** Whether all of {@code s} is {@code min} to {@code max} characters of the class. */
    public boolean matches(CharSequence s) {
        int n = s.length();
        if (n < min || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= allowed.length || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    /** The same check as a regular expression. */
    public Pattern pattern() {
        return Pattern.compile("[" + characters + "]{" + min + "," + max + "}");
    }

    @Override
    public String toString() {
        return pattern().pattern();
    }
}
