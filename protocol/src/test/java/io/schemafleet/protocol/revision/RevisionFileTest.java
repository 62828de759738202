package io.schemafleet.protocol.revision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevisionFileTest {
    private static final Path PATH = Path.of("versions/360b16ba22c2_add_password_changed_at_to_users.sql");

    private static final String CANONICAL = """
            -- revision: 360b16ba22c2
            -- down_revision: 801b86be184b
            -- branch_labels: auth
            -- depends_on: 5e656b9e303b
            -- message: add password_changed_at to users
            -- transactional: true
            -- +upgrade
            ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();
            -- +downgrade
            ALTER TABLE users DROP COLUMN password_changed_at;
            """;

    /** The same revision, laid out differently: comments, other header order, CRLF. */
    private static final String NON_CANONICAL = String.join("\r\n",
            "-- Password rotation, ticket AUTH-12.",
            "-- message:   add password_changed_at to users   ",
            "",
            "-- depends_on: 5e656b9e303b",
            "-- branch_labels: auth",
            "--revision:360b16ba22c2",
            "-- transactional: true",
            "-- down_revision: 801b86be184b",
            "-- +upgrade",
            "ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();",
            "-- +downgrade",
            "ALTER TABLE users DROP COLUMN password_changed_at;",
            "");

    @Test
    void parsesTheCanonicalExample() {
        // when
        RevisionFile file = RevisionFile.parse(PATH, CANONICAL);

        // then
        assertThat(file.revision()).isEqualTo(new Revision("360b16ba22c2", List.of("801b86be184b"),
                List.of("auth"), List.of("5e656b9e303b"), "add password_changed_at to users", true,
                "ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();",
                "ALTER TABLE users DROP COLUMN password_changed_at;"));
        assertThat(file.path()).isEqualTo(PATH);
        assertThat(file.lineOf("revision")).isEqualTo(1);
        assertThat(file.lineOf("depends_on")).isEqualTo(4);
        assertThat(file.lineOf("transactional")).isEqualTo(6);
        assertThat(file.upgradeLine()).isEqualTo(7);
        assertThat(file.downgradeLine()).hasValue(9);
        assertThat(file.isCanonical()).isTrue();
    }

    @Test
    void parsesListsForMergesLabelsAndDependencies() {
        // given
        String text = """
                -- revision: m3rge
                -- down_revision: aaa111 ,bbb222,  ccc333
                -- branch_labels: billing, billing.v2
                -- depends_on: auth,5e656b9e303b
                -- +upgrade
                """;

        // when
        Revision revision = RevisionFile.parse(PATH, text).revision();

        // then
        assertThat(revision.downRevisions()).containsExactly("aaa111", "bbb222", "ccc333");
        assertThat(revision.branchLabels()).containsExactly("billing", "billing.v2");
        assertThat(revision.dependsOn()).containsExactly("auth", "5e656b9e303b");
        assertThat(revision.message()).isEmpty();
        assertThat(revision.transactional()).isTrue();
    }

    @Test
    void emptyDownRevisionIsABase() {
        String text = "-- revision: base1\n-- down_revision:\n-- +upgrade\nCREATE TABLE t (id int);\n";

        RevisionFile file = RevisionFile.parse(PATH, text);

        assertThat(file.revision().isBase()).isTrue();
        assertThat(file.hasHeader("down_revision")).isTrue();
        assertThat(file.hasHeader("depends_on")).isFalse();
        // An absent header points at the revision line: the best place to report about it.
        assertThat(file.lineOf("depends_on")).isEqualTo(1);
        assertThat(file.downgradeLine()).isEmpty();
    }

    @Test
    void placeholderRevisionHasEmptySql() {
        // given: markers with nothing between them, and no downgrade at all
        String withMarkers = "-- revision: p1\n-- down_revision: a1\n-- +upgrade\n-- +downgrade\n";
        String upgradeOnly = "-- revision: p1\n-- down_revision: a1\n-- +upgrade\n";

        // then
        for (String text : List.of(withMarkers, upgradeOnly)) {
            Revision revision = RevisionFile.parse(PATH, text).revision();
            assertThat(revision.upgradeSql()).isEmpty();
            assertThat(revision.downgradeSql()).isEmpty();
        }
        assertThat(RevisionFile.render(RevisionFile.parse(PATH, upgradeOnly).revision()))
                .isEqualTo("-- revision: p1\n-- down_revision: a1\n-- message:\n-- transactional: true\n"
                        + "-- +upgrade\n-- +downgrade\n");
    }

    @Test
    void nonTransactional() {
        String text = """
                -- revision: idx1
                -- down_revision: a1
                -- transactional: false
                -- +upgrade
                CREATE INDEX CONCURRENTLY users_email ON users (email);
                -- +downgrade
                DROP INDEX CONCURRENTLY users_email;
                """;

        RevisionFile file = RevisionFile.parse(PATH, text);

        assertThat(file.revision().transactional()).isFalse();
        assertThat(RevisionFile.render(file.revision())).contains("-- transactional: false\n");
    }

    @Test
    void sqlIsKeptVerbatimBetweenMarkers() {
        // given: blank lines, SQL comments that look like headers, no final newline
        String text = "-- revision: v1\n-- +upgrade\n\n-- message: not a header here\nSELECT 1;\n\n"
                + "-- +downgrade\n  SELECT 2;  ";

        Revision revision = RevisionFile.parse(PATH, text).revision();

        // then: only the line break before the next marker is not SQL
        assertThat(revision.upgradeSql()).isEqualTo("\n-- message: not a header here\nSELECT 1;\n");
        assertThat(revision.downgradeSql()).isEqualTo("  SELECT 2;  ");
        assertThat(revision.message()).isEmpty();
    }

    @Test
    void loneCarriageReturnsEndLinesToo() {
        String text = "-- revision: a1\r-- +upgrade\rSELECT 1;\rSELECT 2;\r-- +downgrade\r";

        RevisionFile file = RevisionFile.parse(PATH, text);

        assertThat(file.upgradeLine()).isEqualTo(2);
        assertThat(file.downgradeLine()).hasValue(5);
        assertThat(file.revision().upgradeSql()).isEqualTo("SELECT 1;\rSELECT 2;");
        assertThat(file.text()).isEqualTo(text);
    }

    @Test
    void canonicalTextRoundTripsExactly(@TempDir Path dir) throws Exception {
        // given
        Path written = dir.resolve("out.sql");

        // when
        RevisionFile file = RevisionFile.parse(PATH, CANONICAL.getBytes(StandardCharsets.UTF_8));
        file.write(written);

        // then
        assertThat(Files.readAllBytes(written)).isEqualTo(CANONICAL.getBytes(StandardCharsets.UTF_8));
        assertThat(RevisionFile.render(file.revision())).isEqualTo(CANONICAL);
        assertThat(RevisionFile.read(written).revision()).isEqualTo(file.revision());
    }

    @Test
    void nonCanonicalFileRoundTripsExactly(@TempDir Path dir) throws Exception {
        // given: a byte order mark too, which some Windows editors add
        byte[] original = ("\uFEFF" + NON_CANONICAL).getBytes(StandardCharsets.UTF_8);
        Path source = Files.write(dir.resolve("360b16ba22c2_x.sql"), original);
        Path copy = dir.resolve("copy.sql");

        // when
        RevisionFile file = RevisionFile.read(source);
        file.write(copy);

        // then
        assertThat(Files.readAllBytes(copy)).isEqualTo(original);
        assertThat(file.isCanonical()).isFalse();
        assertThat(file.lineOf("revision")).isEqualTo(6);
        assertThat(file.lineOf("message")).isEqualTo(2);
        assertThat(file.upgradeLine()).isEqualTo(9);
        Revision revision = file.revision();
        assertThat(revision.message()).isEqualTo("add password_changed_at to users");
        // the SQL is what the file holds, less the line break before the next marker
        assertThat(revision.upgradeSql())
                .isEqualTo("ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();");
        assertThat(revision.checksum()).isEqualTo(RevisionFile.parse(PATH, CANONICAL).revision().checksum());
        assertThat(RevisionFile.render(revision)).isEqualTo(CANONICAL);
    }

    @Test
    void renderThenParseGivesAnEqualRevision() {
        List<Revision> revisions = List.of(
                Revision.of("a1", List.of(), List.of(), List.of()),
                new Revision("m1", List.of("a1", "b2"), List.of("x", "y.z"), List.of("auth", "c3"),
                        "merge: a1 & b2 (50%)", false, "SELECT 1;\nSELECT 2;", "\n  -- nothing\n\n"),
                new Revision("s1", List.of("m1"), List.of(), List.of(), "sql ending in newline", true,
                        "CREATE TABLE t (id int);\n", ""),
                new Revision("c1", List.of("s1"), List.of(), List.of(), "crlf sql", true,
                        "SELECT 1;\r\nSELECT 2;\r\n", "SELECT 3;\r\n"),
                new Revision("w1", List.of("c1"), List.of(), List.of(), "blank only", true, " ", "\n"));

        for (Revision revision : revisions) {
            String text = RevisionFile.render(revision);
            assertThat(RevisionFile.parse(PATH, text).revision()).isEqualTo(revision);
            assertThat(RevisionFile.create(PATH, revision).text()).isEqualTo(text);
            assertThat(text).endsWith("\n");
        }
    }

    @Test
    void renderRefusesWhatCannotBeReadBack() {
        Revision twoLineMessage = new Revision("r1", List.of(), List.of(), List.of(), "a\nb", true, "", "");
        Revision paddedMessage = new Revision("r1", List.of(), List.of(), List.of(), " a", true, "", "");
        Revision markerInSql = new Revision("r1", List.of(), List.of(), List.of(), "", true,
                "SELECT 1;\n-- +downgrade\nSELECT 2;", "");
        Revision commaInDependency = new Revision("r1", List.of(), List.of(), List.of("a,b"), "", true, "", "");

        assertThatThrownBy(() -> RevisionFile.render(twoLineMessage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one line");
        assertThatThrownBy(() -> RevisionFile.render(paddedMessage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one line");
        assertThatThrownBy(() -> RevisionFile.render(markerInSql))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("second '-- +downgrade'");
        assertThatThrownBy(() -> RevisionFile.render(commaInDependency))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would not read back equal");
    }

    @Test
    void checksumIgnoresLineEndingsAndHeaderOrder() {
        Revision lf = RevisionFile.parse(PATH, CANONICAL).revision();
        Revision crlf = RevisionFile.parse(PATH, CANONICAL.replace("\n", "\r\n")).revision();
        Revision reordered = RevisionFile.parse(PATH, NON_CANONICAL.replace("\r\n", "\n")).revision();

        assertThat(crlf.checksum()).isEqualTo(lf.checksum());
        assertThat(reordered).isEqualTo(lf);
        assertThat(reordered.checksum()).isEqualTo(lf.checksum());
    }

    @Test
    void checksumChangesWithContent() {
        String base = RevisionFile.parse(PATH, CANONICAL).revision().checksum();

        List<String> variants = List.of(
                CANONICAL.replace("DROP COLUMN", "DROP COLUMN IF EXISTS"),
                CANONICAL.replace("NOT NULL DEFAULT now()", "NULL"),
                CANONICAL.replace("-- message: add", "-- message: adds"),
                CANONICAL.replace("-- down_revision: 801b86be184b", "-- down_revision: 801b86be184b, 9a2355b7dd59"),
                CANONICAL.replace("-- down_revision: 801b86be184b", "-- down_revision:"),
                CANONICAL.replace("-- transactional: true", "-- transactional: false"));

        for (String variant : variants) {
            assertThat(variant).isNotEqualTo(CANONICAL);
            assertThat(RevisionFile.parse(PATH, variant).revision().checksum()).as(variant).isNotEqualTo(base);
        }
    }

    @Test
    void lineOfRejectsUnknownKeys() {
        RevisionFile file = RevisionFile.parse(PATH, CANONICAL);

        assertThatThrownBy(() -> file.lineOf("down_revisions"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("down_revisions");
    }

    @Test
    void errorsCarryFileLineAndReason() {
        String text = "-- revision: ab-cd\n-- +upgrade\n";

        assertThatThrownBy(() -> RevisionFile.parse(PATH, text))
                .isInstanceOfSatisfying(RevisionFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(PATH);
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.reason()).contains("'ab-cd'");
                    assertThat(e.getMessage()).isEqualTo(PATH + ":1: " + e.reason());
                });
    }

    @Test
    void unreadableFileIsAFileErrorWithoutLine(@TempDir Path dir) {
        Path missing = dir.resolve("nope.sql");

        assertThatThrownBy(() -> RevisionFile.read(missing))
                .isInstanceOfSatisfying(RevisionFileException.class, e -> {
                    assertThat(e.line()).isZero();
                    assertThat(e.getMessage()).startsWith(missing + ": cannot read: NoSuchFileException");
                });
    }
}
