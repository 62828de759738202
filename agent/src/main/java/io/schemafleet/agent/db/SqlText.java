package io.schemafleet.agent.db;

/** Values written into SQL text, for scripts sent in one round trip without bind parameters. */
public final class SqlText {
    private SqlText() {
    }

    /**
     * A string literal for any server setting: an escape string ({@code E'...'}) reads
     * backslashes the same whether or not {@code standard_conforming_strings} is on.
     */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder("E'");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == 0) {
                throw new IllegalArgumentException("a NUL character cannot reach PostgreSQL");
            }
            if (ch == '\'' || ch == '\\') {
                out.append(ch);
            }
            out.append(ch);
        }
        return out.append('\'').toString();
    }
}
