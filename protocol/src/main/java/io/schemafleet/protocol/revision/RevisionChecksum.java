package io.schemafleet.protocol.revision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The content checksum of a revision: SHA-256, lower-case hex, over a canonical
 * encoding that does not depend on the platform, the file's line endings or the
 * order of headers in the file.
 *
 * <p>Canonical encoding (UTF-8): the line {@code schemafleet-revision-v1}, then one
 * field per line in this fixed order, each written as {@code name=<length>:<value>}
 * where length counts the UTF-8 bytes of value: {@code revision}, {@code down_revision},
 * {@code branch_labels}, {@code depends_on} (lists joined with {@code ,} in declared
 * order), {@code message}, {@code transactional} ({@code true}/{@code false}),
 * {@code upgrade}, {@code downgrade}. SQL is normalized first: CRLF and CR become LF,
 * and leading and trailing blank lines are removed. Length prefixes make the encoding
 * unambiguous whatever the SQL contains.
 */
public final class RevisionChecksum {
    private static final String VERSION = "schemafleet-revision-v1";

    private RevisionChecksum() {
    }

    public static String of(Revision revision) {
        return HexFormat.of().formatHex(sha256(canonicalBytes(revision)));
    }

    /** The exact bytes that are hashed. */
    public static byte[] canonicalBytes(Revision r) {
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        field(out, "revision", r.id());
        field(out, "down_revision", String.join(",", r.downRevisions()));
        field(out, "branch_labels", String.join(",", r.branchLabels()));
        field(out, "depends_on", String.join(",", r.dependsOn()));
        field(out, "message", r.message());
        field(out, "transactional", Boolean.toString(r.transactional()));
        field(out, "upgrade", normalizeSql(r.upgradeSql()));
        field(out, "downgrade", normalizeSql(r.downgradeSql()));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Line endings to LF; leading and trailing blank lines dropped. */
    public static String normalizeSql(String sql) {
        List<String> lines = sql.replace("\r\n", "\n").replace('\r', '\n').lines().toList();
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return String.join("\n", lines.subList(from, to));
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append('=')
                .append(value.getBytes(StandardCharsets.UTF_8).length).append(':')
                .append(value).append('\n');
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
