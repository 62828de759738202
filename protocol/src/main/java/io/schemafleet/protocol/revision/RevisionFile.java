package io.schemafleet.protocol.revision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One revision file ({@code versions/<id>_<slug>.sql}): the {@link Revision} it defines,
 * and the exact text it was read from, so that writing an unchanged file gives back the
 * same bytes whatever its layout (comments, header order, CRLF). The format is described
 * in {@code docs/revision-files.md}.
 *
 * <p>Immutable. Instances come from {@link #parse}, {@link #read} or {@link #create};
 * the text and the revision always agree.
 */
public final class RevisionFile {
    /** The header keys, in the order {@link #render} writes them. */
    public static final List<String> HEADER_KEYS = List.of(
            "revision", "down_revision", "branch_labels", "depends_on", "message", "transactional");

    private final Path path;
    private final Revision revision;
    private final String text;
    private final Map<String, Integer> headerLines;
    private final int upgradeLine;
    private final int downgradeLine;
    private final List<RevisionFileException> unrunnable;

    RevisionFile(Path path, Revision revision, String text, Map<String, Integer> headerLines,
                 int upgradeLine, int downgradeLine, List<RevisionFileException> unrunnable) {
        this.path = Objects.requireNonNull(path, "path");
        this.revision = Objects.requireNonNull(revision, "revision");
        this.text = Objects.requireNonNull(text, "text");
        this.headerLines = Map.copyOf(headerLines);
        this.upgradeLine = upgradeLine;
        this.downgradeLine = downgradeLine;
        this.unrunnable = List.copyOf(unrunnable);
    }

    /**
     * Statements PostgreSQL refuses where this transactional revision runs them (inside a
     * transaction block: {@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...), each at its
     * line. Not an error of the file, which stays readable (it may be published already and
     * cannot change); {@code check} warns of them, and publishing a new one is refused.
     */
    public List<RevisionFileException> unrunnableStatements() {
        return unrunnable;
    }

    /** Reads and parses a file. */
    public static RevisionFile read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RevisionFileException(file, 0, "cannot read: " + describe(e), e);
        }
        return parse(file, content);
    }

    /** Parses file content, which must be UTF-8; {@code path} is only used in messages. */
    public static RevisionFile parse(Path path, byte[] content) {
        return parse(path, decodeUtf8(path, content));
    }

    /** Parses file text; {@code path} is only used in messages. */
    public static RevisionFile parse(Path path, String text) {
        return RevisionFileParser.parse(path, text);
    }

    /** A new file holding {@code revision} in canonical form (see {@link #render}). */
    public static RevisionFile create(Path path, Revision revision) {
        return parse(path, render(revision));
    }

    /**
     * The canonical text of a revision: headers in {@link #HEADER_KEYS} order (empty
     * {@code branch_labels} and {@code depends_on} left out; lists joined with
     * {@code ", "}), {@code -- +upgrade}, the upgrade SQL, {@code -- +downgrade}, the
     * downgrade SQL; LF line endings, newline-terminated.
     *
     * @throws IllegalArgumentException if the revision cannot be written so that it
     *     reads back equal: a message that is not one trimmed line, SQL containing a
     *     marker line, a list entry containing a comma, ...
     */
    public static String render(Revision revision) {
        if (!revision.message().equals(revision.message().strip())
                || revision.message().indexOf('\n') >= 0 || revision.message().indexOf('\r') >= 0) {
            throw unwritable(revision, "the message must be one line without leading or trailing blanks");
        }
        StringBuilder out = new StringBuilder();
        header(out, "revision", revision.id());
        header(out, "down_revision", String.join(", ", revision.downRevisions()));
        if (!revision.branchLabels().isEmpty()) {
            header(out, "branch_labels", String.join(", ", revision.branchLabels()));
        }
        if (!revision.dependsOn().isEmpty()) {
            header(out, "depends_on", String.join(", ", revision.dependsOn()));
        }
        header(out, "message", revision.message());
        header(out, "transactional", Boolean.toString(revision.transactional()));
        out.append(RevisionFileParser.UPGRADE_MARKER).append('\n');
        section(out, revision.upgradeSql());
        out.append(RevisionFileParser.DOWNGRADE_MARKER).append('\n');
        section(out, revision.downgradeSql());
        String text = out.toString();
        // Reading back is the one reliable test that nothing was lost (markers or a
        // trailing CR inside the SQL, commas inside a list entry, duplicates ...).
        Revision reread;
        try {
            reread = parse(Path.of(revision.id() + ".sql"), text).revision();
        } catch (RevisionFileException e) {
            throw unwritable(revision, "line " + e.line() + " would read as: " + e.reason());
        }
        if (!reread.equals(revision)) {
            throw unwritable(revision, "it would not read back equal (a list with duplicates,"
                    + " a comma in an entry, SQL ending in a lone CR?)");
        }
        return text;
    }

    /** Where this file is (or will be written), as given to the reader. */
    public Path path() {
        return path;
    }

    public Revision revision() {
        return revision;
    }

    /** The exact text of the file: as read, or canonical for {@link #create}d files. */
    public String text() {
        return text;
    }

    /** The exact bytes of the file (UTF-8, byte order mark kept if it had one). */
    public byte[] bytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@link #bytes()} to {@code target}, replacing it. */
    public void write(Path target) {
        try {
            Files.write(target, bytes());
        } catch (IOException e) {
            throw new RevisionFileException(target, 0, "cannot write: " + describe(e), e);
        }
    }

    /** True when the text is exactly what {@link #render} makes of the revision. */
    public boolean isCanonical() {
        return text.equals(render(revision));
    }

    /**
     * The 1-based line of a header, for pointing at a problem in it. When the file
     * leaves that header out, the line of {@code revision} (always present) is the
     * best place to point, and is returned.
     *
     * @throws IllegalArgumentException if {@code headerKey} is not one of {@link #HEADER_KEYS}
     */
    public int lineOf(String headerKey) {
        if (!HEADER_KEYS.contains(headerKey)) {
            throw new IllegalArgumentException("no such header: " + headerKey + " (known: " + HEADER_KEYS + ")");
        }
        return headerLines.getOrDefault(headerKey, headerLines.get("revision"));
    }

    /** True when the file spells out this header (rather than taking its default). */
    public boolean hasHeader(String headerKey) {
        return headerLines.containsKey(headerKey);
    }

    /** The line of {@code -- +upgrade}; the upgrade SQL starts on the next line. */
    public int upgradeLine() {
        return upgradeLine;
    }

    /** The line of {@code -- +downgrade}, if the file has one. */
    public OptionalInt downgradeLine() {
        return downgradeLine == 0 ? OptionalInt.empty() : OptionalInt.of(downgradeLine);
    }

    @Override
    public boolean equals(Object o) {
        // Everything else is derived from the text.
        return o instanceof RevisionFile other && path.equals(other.path) && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, text);
    }

    @Override
    public String toString() {
        return "RevisionFile[" + path + ", revision=" + revision.id() + "]";
    }

    private static void header(StringBuilder out, String key, String value) {
        out.append("-- ").append(key).append(':');
        if (!value.isEmpty()) {
            out.append(' ').append(value);
        }
        out.append('\n');
    }

    private static void section(StringBuilder out, String sql) {
        if (!sql.isEmpty()) {
            out.append(sql).append('\n');
        }
    }

    /** An I/O failure in a few words: the exception type says more than its message alone. */
    static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static IllegalArgumentException unwritable(Revision revision, String why) {
        return new IllegalArgumentException("revision " + revision.id() + " cannot be written as a file: " + why);
    }

    /** Strict UTF-8: a bad byte is an error at its line, never a replacement character. */
    private static String decodeUtf8(Path path, byte[] content) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                boolean lineBreak = content[i] == '\n'
                        || content[i] == '\r' && (i + 1 == content.length || content[i + 1] != '\n');
                if (lineBreak) {
                    line++;
                }
            }
            throw new RevisionFileException(path, line, String.format(
                    "not valid UTF-8 (byte 0x%02x)", content[in.position()] & 0xff));
        }
        return out.flip().toString();
    }
}
