package io.schemafleet.protocol.event;

import io.schemafleet.protocol.AsciiRun;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.revision.Revision;

import java.util.List;
import java.util.regex.Pattern;

/** Field validation shared by the event records; every failure is an {@link InvalidEventException}. */
final class Checks {
    /** Tenant and agent ids: no ':' so that they never collide with {@code agent:}/{@code retry:} keys. */
    static final AsciiRun NAME = Names.NAME;
    static final String NAME_RULE = Names.RULE;
    static final AsciiRun ROLLOUT_ID = AsciiRun.of("A-Za-z0-9._-", 1, 128);
    static final String ROLLOUT_ID_RULE = "1 to 128 letters, digits, '.', '_' or '-'";
    static final AsciiRun EVENT_ID = AsciiRun.of("A-Za-z0-9._:-", 1, 128);
    static final String EVENT_ID_RULE = "1 to 128 letters, digits, '.', '_', ':' or '-'";
    /** Printable ASCII without spaces: producers, destinations. */
    static final AsciiRun TOKEN = AsciiRun.of("!-~", 1, 255);
    static final String TOKEN_RULE = "1 to 255 printable ASCII characters without spaces";
    static final AsciiRun SHA256_HEX = AsciiRun.of("0-9a-f", 64, 64);
    static final AsciiRun ERROR_CODE = AsciiRun.of("a-z0-9_", 1, 64);
    static final AsciiRun SQLSTATE = AsciiRun.of("0-9A-Z", 5, 5);
    static final Pattern LABEL_KEY = Names.LABEL_KEY;

    private Checks() {
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new InvalidEventException("missing " + field);
        }
        return value;
    }

    static String matches(String value, Pattern pattern, String rule, String field) {
        present(value, field);
        if (!pattern.matcher(value).matches()) {
            throw invalid(value, rule, field);
        }
        return value;
    }

    static String matches(String value, AsciiRun run, String rule, String field) {
        present(value, field);
        if (!run.matches(value)) {
            throw invalid(value, rule, field);
        }
        return value;
    }

    /**
     * A destination an agent is sent: never one counted from where a tenant is ({@code -1},
     * {@code label@+2}), which every resync would count again from where the last one left it.
     */
    static String destination(String value, String field) {
        matches(value, TOKEN, TOKEN_RULE, field);
        if (MigrationPlanner.relativeToCurrent(value)) {
            throw new InvalidEventException(field + " " + shown(value) + " is invalid: a destination sent to agents"
                    + " names a revision, not a count from where a tenant is");
        }
        return value;
    }

    private static InvalidEventException invalid(String value, String rule, String field) {
        return new InvalidEventException(field + " " + shown(value) + " is invalid: expected " + rule);
    }

    static String matchesOrNull(String value, AsciiRun pattern, String rule, String field) {
        return value == null ? null : matches(value, pattern, rule, field);
    }

    /** Free text of at most {@code max} characters, without control characters other than tab. */
    static String text(String value, int max, String field) {
        present(value, field);
        if (value.length() > max) {
            throw new InvalidEventException(field + " is longer than " + max + " characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            throw new InvalidEventException(field + " " + shown(value) + " contains control characters");
        }
        return value;
    }

    /** Like {@link #text}, but line breaks are allowed too: for multi-line text such as schema descriptions. */
    static String lines(String value, int max, String field) {
        present(value, field);
        if (value.length() > max) {
            throw new InvalidEventException(field + " is longer than " + max + " characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' || c == 0x7f)) {
            throw new InvalidEventException(field + " contains control characters other than tab and line feed");
        }
        return value;
    }

    static String nonBlankText(String value, int max, String field) {
        if (text(value, max, field).isBlank()) {
            throw new InvalidEventException(field + " must not be blank");
        }
        return value;
    }

    static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new InvalidEventException(field + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    static String revisionId(String value, String field) {
        present(value, field);
        try {
            Revision.verifyId(value);
        } catch (SchemafleetException e) {
            throw new InvalidEventException(field + ": " + e.getMessage());
        }
        return value;
    }

    /** An unmodifiable copy; null stands for the empty list; null elements are refused. */
    static <T> List<T> list(List<T> values, String field) {
        if (values == null) {
            return List.of();
        }
        for (T value : values) {
            if (value == null) {
                throw new InvalidEventException(field + " must not contain null");
            }
        }
        return List.copyOf(values);
    }

    /** Labels: keys {@link #LABEL_KEY}, values of at most 255 characters; an unmodifiable sorted copy. */
    static java.util.Map<String, String> labels(java.util.Map<String, String> labels, String field) {
        if (labels == null) {
            return java.util.Map.of();
        }
        labels.forEach((k, v) -> {
            matches(k, LABEL_KEY, Names.LABEL_KEY_RULE, field + " key");
            text(v, 255, field + " " + k);
        });
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    }

    static List<String> revisionIds(List<String> values, String field) {
        List<String> copy = list(values, field);
        copy.forEach(id -> revisionId(id, field));
        return copy;
    }

    /** A value for a message: quoted, control characters escaped, at most 80 characters. */
    static String shown(String value) {
        return "'" + escaped(value, 80) + "'";
    }

    /** At most {@code max} characters (then "..."), control characters escaped as {@code \xNN}. */
    static String escaped(String value, int max) {
        String cut = value.length() > max ? value.substring(0, max) + "..." : value;
        StringBuilder out = new StringBuilder();
        cut.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f
                ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
