package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;

import java.util.regex.Pattern;

/**
 * Tenant, schema and database names. Only plain identifiers are accepted (letters,
 * digits, {@code _}, {@code $}; not starting with a digit or {@code $}; at most 63
 * bytes, PostgreSQL's limit), and they are always quoted when they reach SQL, so a
 * hostile name (quotes, semicolons, dots, {@code search_path} tricks) is refused
 * before it gets anywhere.
 */
public final class Identifiers {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private Identifiers() {
    }

    /** Returns {@code name} if it is a safe identifier; otherwise a clear error. */
    public static String requireSafe(String name, String what) {
        if (name == null || !SAFE.matcher(name).matches() || name.startsWith("pg_")) {
            throw new SchemafleetException(what + " " + printable(name) + " is refused: use 1 to 63 letters, digits, "
                    + "'_' or '$', starting with a letter or '_' (and not 'pg_')");
        }
        return name;
    }

    /** A safe identifier in double quotes (validated again: quoting is never the only guard). */
    public static String quote(String name) {
        return "\"" + requireSafe(name, "identifier") + "\"";
    }

    private static String printable(String name) {
        if (name == null) {
            return "(null)";
        }
        String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        StringBuilder out = new StringBuilder("'");
        for (char c : shown.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.append('\'').toString();
    }
}
