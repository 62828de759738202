package io.schemafleet.protocol.revision;

import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.sql.SqlScript;
import io.schemafleet.protocol.sql.TransactionBlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text of one revision file. Every rule of the format is here; they are
 * written up for users in {@code docs/revision-files.md}. One instance per parse.
 */
final class RevisionFileParser {
    static final String UPGRADE_MARKER = "-- +upgrade";
    static final String DOWNGRADE_MARKER = "-- +downgrade";

    /** {@code -- key: value}; any word directly followed by ':' counts, so typos in keys fail. */
    private static final Pattern HEADER = Pattern.compile("--[ \\t]*([A-Za-z_][A-Za-z0-9_]*)[ \\t]*:(.*)");
    /**
     * Lines that look like a marker but are not exactly one. Accepting them as SQL would
     * silently run downgrade SQL as part of the upgrade, so they are errors everywhere.
     */
    private static final Pattern MARKER_LIKE = Pattern.compile("[ \\t]*--[ \\t]*\\+[ \\t]*(?i:up|down).*");
    /** depends_on names a revision id or a branch label; both use this alphabet (see Revision). */
    private static final Pattern DEPENDENCY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.]*");
    private static final int QUOTE_LIMIT = 40;

    private enum Marker { UPGRADE, DOWNGRADE }

    private record Header(String value, int line) {
    }

    private final Path path;
    private final String text;
    private final Map<String, Header> headers = new HashMap<>();
    private int lastLine;
    private int upgradeLine;
    private int upgradeStart;
    private int upgradeEnd = -1;
    private int downgradeLine;
    private int downgradeStart;

    private RevisionFileParser(Path path, String text) {
        this.path = path;
        this.text = text;
    }

    static RevisionFile parse(Path path, String text) {
        return new RevisionFileParser(path, text).parse();
    }

    private RevisionFile parse() {
        if (withoutBom(text).isBlank()) {
            throw error(1, "empty file: expected '-- revision: <id>' and a '-- +upgrade' line");
        }
        int start = 0;
        int number = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            int next = end;
            if (next < text.length()) {
                next += text.startsWith("\r\n", next) ? 2 : 1;
            }
            number++;
            String content = text.substring(start, end);
            line(number, number == 1 ? withoutBom(content) : content, start, next);
            start = next;
        }
        lastLine = number;
        return finish();
    }

    private void line(int number, String content, int start, int next) {
        int nul = content.indexOf('\u0000');
        if (nul >= 0) {
            // PostgreSQL can neither store such text nor run it: refused here, not on every tenant.
            throw error(number, "NUL character (U+0000) at column " + (nul + 1) + ": not allowed in a revision file");
        }
        Marker marker = marker(number, content);
        if (upgradeLine == 0) {
            headerLine(number, content, marker, next);
        } else if (marker == Marker.UPGRADE) {
            throw error(number, "second '" + UPGRADE_MARKER + "' (the first is at line " + upgradeLine + ")");
        } else if (marker == Marker.DOWNGRADE) {
            if (downgradeLine != 0) {
                throw error(number, "second '" + DOWNGRADE_MARKER + "' (the first is at line "
                        + downgradeLine + ")");
            }
            downgradeLine = number;
            upgradeEnd = start;
            downgradeStart = next;
        }
    }

    private void headerLine(int number, String content, Marker marker, int next) {
        if (marker == Marker.DOWNGRADE) {
            throw error(number, "'" + DOWNGRADE_MARKER + "' before '" + UPGRADE_MARKER + "'");
        }
        if (marker == Marker.UPGRADE) {
            upgradeLine = number;
            upgradeStart = next;
            return;
        }
        String stripped = content.strip();
        if (stripped.isEmpty()) {
            return;
        }
        Matcher header = HEADER.matcher(stripped);
        if (header.matches()) {
            String key = header.group(1);
            if (!RevisionFile.HEADER_KEYS.contains(key)) {
                throw error(number, "unknown header '" + key + "' (known: "
                        + String.join(", ", RevisionFile.HEADER_KEYS)
                        + "; a comment must not start with 'word:')");
            }
            Header first = headers.get(key);
            if (first != null) {
                throw error(number, "duplicate header '" + key + "' (the first is at line " + first.line() + ")");
            }
            headers.put(key, new Header(header.group(2).strip(), number));
        } else if (!stripped.startsWith("--")) {
            throw error(number, "unexpected text before '" + UPGRADE_MARKER + "': " + quote(stripped));
        }
    }

    private Marker marker(int number, String content) {
        String trimmed = content.stripTrailing();
        if (trimmed.equals(UPGRADE_MARKER)) {
            return Marker.UPGRADE;
        }
        if (trimmed.equals(DOWNGRADE_MARKER)) {
            return Marker.DOWNGRADE;
        }
        if (MARKER_LIKE.matcher(content).matches()) {
            throw error(number, "malformed marker " + quote(trimmed) + ": write exactly '"
                    + UPGRADE_MARKER + "' or '" + DOWNGRADE_MARKER + "' on a line of its own");
        }
        return null;
    }

    private RevisionFile finish() {
        Header revision = headers.get("revision");
        if (revision == null) {
            throw error(1, "missing header 'revision' (expected '-- revision: <id>' before '"
                    + UPGRADE_MARKER + "')");
        }
        if (upgradeLine == 0) {
            throw error(lastLine, "missing '" + UPGRADE_MARKER + "' line after the headers");
        }
        String id = revision.value();
        if (id.isEmpty()) {
            throw error(revision.line(), "header 'revision' is empty");
        }
        verify(revision.line(), () -> Revision.verifyId(id));
        List<String> parents = list("down_revision");
        for (String parent : parents) {
            verify(lineOf("down_revision"), () -> Revision.verifyId(parent));
        }
        List<String> dependsOn = list("depends_on");
        for (String dependency : dependsOn) {
            if (!DEPENDENCY.matcher(dependency).matches()) {
                throw error(lineOf("depends_on"), "depends_on entry " + quote(dependency)
                        + " is neither a revision id nor a branch label");
            }
        }
        String upgrade = section(upgradeStart, upgradeEnd < 0 ? text.length() : upgradeEnd);
        String downgrade = downgradeLine == 0 ? "" : section(downgradeStart, text.length());
        Revision parsed;
        try {
            parsed = new Revision(id, parents, list("branch_labels"), dependsOn, value("message"),
                    transactional(), upgrade, downgrade);
        } catch (RevisionGraphException e) {
            throw error(lineFor(e.kind()), e.getMessage());
        }
        List<RevisionFileException> unrunnable = new ArrayList<>();
        if (parsed.transactional()) {
            unrunnable.addAll(outsideTransactionOnly(upgradeStart, upgrade, "upgrade"));
            unrunnable.addAll(outsideTransactionOnly(downgradeStart, downgrade, "downgrade"));
        }
        Map<String, Integer> lines = new HashMap<>();
        headers.forEach((key, header) -> lines.put(key, header.line()));
        return new RevisionFile(path, parsed, text, lines, upgradeLine, downgradeLine, unrunnable);
    }

    /**
     * A transactional revision runs each section in one transaction, where PostgreSQL
     * refuses some statements (SQLSTATE 25001): better said at the statement's line than by
     * every tenant. Said, not thrown: a revision published before it was said can still be read.
     */
    private List<RevisionFileException> outsideTransactionOnly(int sectionStart, String sql, String section) {
        List<RevisionFileException> found = new ArrayList<>();
        for (SqlScript.Statement statement : SqlScript.statements(sql)) {
            Optional<String> kind = TransactionBlock.refusedInside(statement);
            kind.ifPresent(k -> found.add(error(lineAt(sectionStart + statement.start()), k + " cannot run inside a"
                    + " transaction block, where this revision's " + section + " runs (transactional: true"
                    + (headers.containsKey("transactional") ? "" : ", the default") + "); PostgreSQL would"
                    + " refuse it on every tenant (SQLSTATE 25001): mark the revision '-- transactional: false'")));
        }
        return found;
    }

    /** The 1-based line of an offset in the text (LF, CRLF and CR each end a line). */
    private int lineAt(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                line++;
            }
        }
        return line;
    }

    /** The SQL between two markers, verbatim, less the line break that ends its last line. */
    private String section(int start, int end) {
        String sql = text.substring(start, end);
        if (sql.endsWith("\r\n")) {
            return sql.substring(0, sql.length() - 2);
        }
        if (sql.endsWith("\n") || sql.endsWith("\r")) {
            return sql.substring(0, sql.length() - 1);
        }
        return sql;
    }

    private List<String> list(String key) {
        String value = value(key);
        if (value.isEmpty()) {
            return List.of();
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : value.split(",", -1)) {
            String name = entry.strip();
            if (name.isEmpty()) {
                throw error(lineOf(key), "empty entry in " + key + " list " + quote(value));
            }
            if (!entries.add(name)) {
                throw error(lineOf(key), quote(name) + " is listed twice in " + key);
            }
        }
        return new ArrayList<>(entries);
    }

    private boolean transactional() {
        Header header = headers.get("transactional");
        if (header == null) {
            return true;
        }
        return switch (header.value()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(header.line(),
                    "transactional must be 'true' or 'false', not " + quote(header.value()));
        };
    }

    private String value(String key) {
        Header header = headers.get(key);
        return header == null ? "" : header.value();
    }

    private int lineOf(String key) {
        Header header = headers.get(key);
        return header == null ? headers.get("revision").line() : header.line();
    }

    /** Where to point for a graph rule that Revision's constructor enforces. */
    private int lineFor(RevisionGraphException.Kind kind) {
        return switch (kind) {
            case LOOP_DETECTED -> lineOf("down_revision");
            case DEPENDENCY_LOOP_DETECTED -> lineOf("depends_on");
            default -> lineOf("branch_labels");
        };
    }

    private void verify(int line, Runnable check) {
        try {
            check.run();
        } catch (RevisionGraphException e) {
            throw error(line, e.getMessage());
        }
    }

    private RevisionFileException error(int line, String reason) {
        return new RevisionFileException(path, line, reason);
    }

    private static String withoutBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Offending text, quoted and cut short so one bad line cannot flood the report. */
    static String quote(String s) {
        return "'" + (s.length() <= QUOTE_LIMIT ? s : s.substring(0, QUOTE_LIMIT) + "...") + "'";
    }
}

