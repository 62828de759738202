package io.schemafleet.protocol.event;

import io.schemafleet.protocol.AsciiRun;

import java.util.regex.Pattern;

/**
 * The alphabet of the tenant and agent names events carry: {@value #RULE}. No quotes,
 * semicolons, spaces, control characters or ':' (which would collide with the
 * {@code agent:}/{@code retry:} record keys), so such names are safe in keys, logs and
 * URLs; whoever takes a name from outside (an API path, a request body) checks it here.
 */
public final class Names {
    /** What a name may be, for messages. */
    public static final String RULE = "1 to 255 letters, digits, '_', '$', '.', '/' or '-'";
    static final AsciiRun NAME = AsciiRun.of("A-Za-z0-9_$./-", 1, 255);

    /** What a label key may be, for messages. */
    public static final String LABEL_KEY_RULE = "1 to 253 letters, digits, '.', '_', '/' or '-', starting and ending"
            + " with a letter or digit";
    /** Label keys: {@code tier}, {@code region}, {@code schemafleet.io/cohort}; never {@code ..} or {@code /x}. */
    static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?");

    private Names() {
    }

    /** Whether {@code key} is a valid label key (wave selectors, agent label rules, reports). */
    public static boolean isLabelKey(String key) {
        return key != null && LABEL_KEY.matcher(key).matches();
    }

    /** Whether {@code name} is a valid tenant or agent name. */
    public static boolean isName(String name) {
        return name != null && NAME.matches(name);
    }

    /**
     * Returns {@code name} if it is valid.
     *
     * @throws InvalidEventException naming {@code field}, with the value quoted, escaped and shortened
     */
    public static String verify(String name, String field) {
        return Checks.matches(name, NAME, RULE, field);
    }
}
