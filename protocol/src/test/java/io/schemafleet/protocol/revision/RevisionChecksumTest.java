package io.schemafleet.protocol.revision;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RevisionChecksumTest {
    /** "café": one non-ASCII character, so byte and char lengths differ. */
    private static final String CAFE = "caf\u00e9";

    /** A revision using every field; its SQL has CRLF line ends and blank lines around it. */
    private static final Revision GOLDEN = new Revision("c0ffee000001", List.of("aaa111", "bbb222"),
            List.of("auth", "auth.v2"), List.of("ddd444"), "add " + CAFE + " column", false,
            "\r\n  \r\nALTER TABLE t\r\n  ADD COLUMN " + CAFE + " text;\r\n\r\n",
            "ALTER TABLE t DROP COLUMN " + CAFE + ";\n\n");

    /** The documented encoding of GOLDEN, written out by hand (lengths count UTF-8 bytes). */
    private static final String GOLDEN_CANONICAL = "schemafleet-revision-v1\n"
            + "revision=12:c0ffee000001\n"
            + "down_revision=13:aaa111,bbb222\n"
            + "branch_labels=12:auth,auth.v2\n"
            + "depends_on=6:ddd444\n"
            + "message=16:add " + CAFE + " column\n"
            + "transactional=5:false\n"
            + "upgrade=38:ALTER TABLE t\n  ADD COLUMN " + CAFE + " text;\n"
            + "downgrade=32:ALTER TABLE t DROP COLUMN " + CAFE + ";\n";

    /** SHA-256 of GOLDEN_CANONICAL, computed once outside Java; pins the v1 encoding. */
    private static final String GOLDEN_SHA256 = "4a84b32e5b650e29e94ad38c71613792205ca9f8a27f85b9e7026f093c1bfe9a";

    private static final Revision BASE = new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d1"),
            "msg", true, "CREATE TABLE t (id int);", "DROP TABLE t;");

    @Test
    void goldenChecksumFollowsTheDocumentedEncoding() throws Exception {
        // given
        byte[] expectedBytes = GOLDEN_CANONICAL.getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expectedBytes));

        // then
        assertThat(expected).isEqualTo(GOLDEN_SHA256);
        assertThat(RevisionChecksum.of(GOLDEN)).isEqualTo(GOLDEN_SHA256);
        assertThat(GOLDEN.checksum()).isEqualTo(GOLDEN_SHA256);
        assertThat(new String(RevisionChecksum.canonicalBytes(GOLDEN), StandardCharsets.UTF_8))
                .isEqualTo(GOLDEN_CANONICAL);
    }

    @Test
    void checksumIsLowerCaseHexSha256() {
        assertThat(RevisionChecksum.of(BASE)).matches("[0-9a-f]{64}");
    }

    @Test
    void lineEndingsDoNotChangeTheChecksum() {
        // given
        Revision lf = withSql(BASE, "CREATE TABLE t (\n  id int\n);", "DROP TABLE t;\nSELECT 1;");
        Revision crlf = withSql(BASE, "CREATE TABLE t (\r\n  id int\r\n);", "DROP TABLE t;\r\nSELECT 1;");
        Revision cr = withSql(BASE, "CREATE TABLE t (\r  id int\r);", "DROP TABLE t;\rSELECT 1;");

        // then
        assertThat(RevisionChecksum.of(crlf)).isEqualTo(RevisionChecksum.of(lf));
        assertThat(RevisionChecksum.of(cr)).isEqualTo(RevisionChecksum.of(lf));
    }

    @Test
    void leadingAndTrailingBlankLinesDoNotChangeTheChecksum() {
        // given
        Revision plain = withSql(BASE, "CREATE TABLE t (id int);", "DROP TABLE t;");
        Revision padded = withSql(BASE, "\n\n  \nCREATE TABLE t (id int);\n\t\n\n", "\r\n\r\nDROP TABLE t;\r\n");

        // then
        assertThat(RevisionChecksum.of(padded)).isEqualTo(RevisionChecksum.of(plain));
    }

    @Test
    void blankLinesInsideTheSqlDoChangeTheChecksum() {
        // given
        Revision tight = withSql(BASE, "SELECT 1;\nSELECT 2;", "");
        Revision loose = withSql(BASE, "SELECT 1;\n\nSELECT 2;", "");

        // then
        assertThat(RevisionChecksum.of(loose)).isNotEqualTo(RevisionChecksum.of(tight));
    }

    @Test
    void everyFieldChangesTheChecksum() {
        // given: BASE with exactly one field changed at a time
        List<Revision> variants = List.of(
                new Revision("r2", List.of("p1", "p2"), List.of("lbl"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p2", "p1"), List.of("lbl"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1"), List.of("lbl"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl2"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of(), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d2"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of(), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d1"), "msg!", true,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d1"), "msg", false,
                        "CREATE TABLE t (id int);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id bigint);", "DROP TABLE t;"),
                new Revision("r1", List.of("p1", "p2"), List.of("lbl"), List.of("d1"), "msg", true,
                        "CREATE TABLE t (id int);", "DROP TABLE IF EXISTS t;"));

        // then: each differs from BASE and from every other variant
        List<String> checksums = variants.stream().map(RevisionChecksum::of).toList();
        assertThat(checksums).doesNotContain(RevisionChecksum.of(BASE)).doesNotHaveDuplicates();
    }

    @Test
    void swappingUpgradeAndDowngradeChangesTheChecksum() {
        assertThat(RevisionChecksum.of(withSql(BASE, "A;", "B;")))
                .isNotEqualTo(RevisionChecksum.of(withSql(BASE, "B;", "A;")));
    }

    @Test
    void lengthPrefixesKeepSqlFromForgingTheNextField() {
        // given: text moved from the end of upgrade into downgrade; without length
        // prefixes both would encode as "upgrade=X\ndowngrade=Y\ndowngrade=Z\n"
        Revision a = withSql(BASE, "X\ndowngrade=Y", "Z");
        Revision b = withSql(BASE, "X", "Y\ndowngrade=Z");
        assertThat(naive(a)).isEqualTo(naive(b));

        // then
        assertThat(RevisionChecksum.of(a)).isNotEqualTo(RevisionChecksum.of(b));
    }

    @Test
    void lengthPrefixesKeepTheMessageFromForgingLaterFields() {
        // given: a message that spells out the fields after it
        Revision honest = new Revision("r1", List.of(), List.of(), List.of(), "m", true, "UP", "DOWN");
        Revision forged = new Revision("r1", List.of(), List.of(), List.of(),
                "m\ntransactional=true\nupgrade=UP\ndowngrade=DOWN", true, "", "");
        Revision forgedFull = new Revision("r1", List.of(), List.of(), List.of(),
                "m\ntransactional=4:true\nupgrade=2:UP\ndowngrade=4:DOWN", false, "", "");

        // then
        assertThat(RevisionChecksum.of(forged)).isNotEqualTo(RevisionChecksum.of(honest));
        assertThat(RevisionChecksum.of(forgedFull)).isNotEqualTo(RevisionChecksum.of(honest));
    }

    /** The encoding without length prefixes: what the prefixes protect against. */
    private static String naive(Revision r) {
        return "revision=" + r.id() + "\nmessage=" + r.message() + "\ntransactional=" + r.transactional()
                + "\nupgrade=" + r.upgradeSql() + "\ndowngrade=" + r.downgradeSql() + "\n";
    }

    private static Revision withSql(Revision r, String upgrade, String downgrade) {
        return new Revision(r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(), r.message(),
                r.transactional(), upgrade, downgrade);
    }
}
