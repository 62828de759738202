package io.schemafleet.protocol.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons, respecting
 * quoted strings ({@code '...'}, {@code E'...'}), quoted identifiers, dollar-quoted
 * bodies ({@code $$...$$}, {@code $tag$...$tag$}), line comments and nested block
 * comments. Needed to run non-transactional revisions one statement at a time:
 * PostgreSQL runs a multi-statement query string in one implicit transaction, where
 * {@code CREATE INDEX CONCURRENTLY} is not allowed; and to tell what each statement is
 * ({@link #statements}) without mistaking a word in a comment or a string for a keyword.
 */
public final class SqlScript {
    private SqlScript() {
    }

    /** How many leading tokens {@link Statement#head()} keeps: enough to tell what a statement is. */
    public static final int HEAD_TOKENS = 16;

    /**
     * One statement of a script.
     *
     * @param text  as {@link #split} gives it: trimmed, without its terminating semicolon
     * @param start offset in the script of its first token (after any leading comments):
     *              where to point at it
     * @param head  its first tokens, at most {@value #HEAD_TOKENS}: unquoted words upper-cased
     *              ({@code CREATE}, {@code INDEX}), any other character on its own ({@code (},
     *              {@code ,}); a string, quoted identifier or dollar-quoted body is one token,
     *              its opening quote ({@code '}, {@code "}, {@code $}), so that no text inside
     *              quotes (nor in comments, which are left out) is ever taken for a keyword
     */
    public record Statement(String text, int start, List<String> head) {
        public Statement {
            head = List.copyOf(head);
        }
    }

    /** The statements, trimmed, without their terminating semicolon; blank ones dropped. */
    public static List<String> split(String script) {
        return statements(script).stream().map(Statement::text).toList();
    }

    /** The statements of {@link #split}, each with where it starts and its first tokens. */
    public static List<Statement> statements(String script) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        List<String> head = new ArrayList<>();
        int start = -1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            String token = null;
            if (c == '\'') {
                boolean escapes = i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
                end = quoted(script, i, '\'', escapes);
                token = "'";
            } else if (c == '"') {
                end = quoted(script, i, '"', false);
                token = "\"";
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                end = script.indexOf('\n', i);
                end = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                end = blockComment(script, i);
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                int close = script.indexOf(tag, i + tag.length());
                end = close < 0 ? n : close + tag.length();
                token = "$";
            } else if (c == ';') {
                add(out, current, start, head);
                current.setLength(0);
                head.clear();
                start = -1;
                i++;
                continue;
            } else if (Character.isLetter(c) || c == '_') {
                end = i + 1;
                while (end < n && (Character.isLetterOrDigit(script.charAt(end)) || script.charAt(end) == '_'
                        || script.charAt(end) == '$')) {
                    end++;
                }
                token = script.substring(i, end).toUpperCase(Locale.ROOT);
            } else {
                end = i + 1;
                token = Character.isWhitespace(c) ? null : String.valueOf(c);
            }
            if (token != null) {
                if (start < 0) {
                    start = i;
                }
                if (head.size() < HEAD_TOKENS) {
                    head.add(token);
                }
            }
            current.append(script, i, end);
            i = end;
        }
        add(out, current, start, head);
        return out;
    }

    private static void add(List<Statement> out, StringBuilder statement, int start, List<String> head) {
        String s = statement.toString().strip();
        if (!s.isEmpty() && !onlyComments(s)) {
            out.add(new Statement(s, start, head));
        }
    }

    private static boolean onlyComments(String s) {
        String rest = s;
        while (!rest.isEmpty()) {
            if (rest.startsWith("--")) {
                int nl = rest.indexOf('\n');
                rest = nl < 0 ? "" : rest.substring(nl + 1).strip();
            } else if (rest.startsWith("/*")) {
                int end = blockComment(rest, 0);
                rest = rest.substring(end).strip();
            } else {
                return false;
            }
        }
        return true;
    }

    private static int quoted(String s, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static int blockComment(String s, int start) {
        int depth = 0;
        int i = start;
        while (i < s.length() - 1) {
            if (s.charAt(i) == '/' && s.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (s.charAt(i) == '*' && s.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The dollar-quote opening tag at {@code i} ({@code $$} or {@code $name$}), or null. */
    private static String dollarTag(String s, int i) {
        if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
            return null; // part of an identifier like a$b, or a positional $1
        }
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(s.charAt(j))) {
                return null;
            }
            j++;
        }
        return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
    }
}
