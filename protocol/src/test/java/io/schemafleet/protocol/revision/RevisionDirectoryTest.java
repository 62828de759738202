package io.schemafleet.protocol.revision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevisionDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void reportsEveryProblemInFileNameOrderAndKeepsTheGoodFiles() throws IOException {
        // given
        write("B0_upper_case_sorts_first.sql", revision("B0", ""));
        write("a1_base.sql", revision("a1", ""));
        write("b2_broken.sql", "-- revision: b2\n-- down_revison: a1\n-- +upgrade\n");
        write("c3_again.sql", revision("c3", "a1"));
        write("c3_second.sql", "-- comment\n" + revision("c3", "a1"));
        write("d4_misnamed.sql", revision("e5", "c3"));
        write("f6.sql", revision("f6", "e5"));
        write("g7_broken.sql", "-- revision: g7\n-- transactional: maybe\n-- +upgrade\n");
        write("h8_no_marker.sql", "-- revision: h8\nSELECT 1;\n");

        // when
        RevisionDirectory loaded = RevisionDirectory.load(dir);

        // then
        assertThat(loaded.dir()).isEqualTo(dir);
        assertThat(loaded.revisions()).extracting(Revision::id).containsExactly("B0", "a1", "c3", "e5", "f6");
        assertThat(loaded.files()).extracting(f -> f.path().getFileName().toString())
                .containsExactly("B0_upper_case_sorts_first.sql", "a1_base.sql", "c3_again.sql",
                        "d4_misnamed.sql", "f6.sql");
        assertThat(loaded.isValid()).isFalse();
        assertThat(loaded.problems()).extracting(RevisionFileException::getMessage).containsExactly(
                dir.resolve("b2_broken.sql") + ":2: unknown header 'down_revison' (known: revision,"
                        + " down_revision, branch_labels, depends_on, message, transactional;"
                        + " a comment must not start with 'word:')",
                dir.resolve("c3_second.sql") + ":2: duplicate revision id 'c3': already defined at "
                        + dir.resolve("c3_again.sql") + ":1",
                dir.resolve("d4_misnamed.sql") + ":1: file name 'd4_misnamed.sql' does not match its"
                        + " revision id 'e5' (expected 'e5_<slug>.sql' or 'e5.sql')",
                dir.resolve("g7_broken.sql") + ":2: transactional must be 'true' or 'false', not 'maybe'",
                dir.resolve("h8_no_marker.sql") + ":2: unexpected text before '-- +upgrade': 'SELECT 1;'");
        assertThat(loaded.file("e5")).hasValueSatisfying(f -> assertThat(f.lineOf("down_revision")).isEqualTo(2));
        assertThat(loaded.file("b2")).isEmpty();
    }

    @Test
    void ignoresHiddenFilesOtherNamesAndSubdirectories() throws IOException {
        // given
        write("a1_base.sql", revision("a1", ""));
        write(".b2_hidden.sql", "garbage");
        write("notes.txt", "garbage");
        write("c3_upper.SQL", "garbage");
        Files.createDirectories(dir.resolve("sub"));
        write("sub/d4_nested.sql", "garbage");
        Files.createDirectories(dir.resolve("e5_dir.sql"));

        // when
        RevisionDirectory loaded = RevisionDirectory.load(dir);

        // then
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.isValid()).isTrue();
        assertThat(loaded.revisions()).extracting(Revision::id).containsExactly("a1");
    }

    @Test
    void emptyDirectoryIsValidAndEmpty() {
        RevisionDirectory loaded = RevisionDirectory.load(dir);

        assertThat(loaded.files()).isEmpty();
        assertThat(loaded.isValid()).isTrue();
    }

    @Test
    void notADirectoryIsAnError() throws IOException {
        Path file = write("a1_base.sql", revision("a1", ""));

        assertThatThrownBy(() -> RevisionDirectory.load(file))
                .isInstanceOfSatisfying(RevisionFileException.class, e -> {
                    assertThat(e.line()).isZero();
                    assertThat(e.getMessage()).isEqualTo(file + ": not a directory");
                });
        assertThatThrownBy(() -> RevisionDirectory.load(dir.resolve("missing")))
                .isInstanceOf(RevisionFileException.class);
    }

    @Test
    void filesWrittenUnderTheirNewNameLoadCleanly() {
        // given
        Revision revision = new Revision("360b16ba22c2", List.of(), List.of(), List.of(),
                "add password_changed_at to users", true, "SELECT 1;", "");

        // when
        RevisionFile.create(dir.resolve(RevisionDirectory.newFileName(revision)), revision)
                .write(dir.resolve(RevisionDirectory.newFileName(revision)));
        RevisionDirectory loaded = RevisionDirectory.load(dir);

        // then
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.revisions()).containsExactly(revision);
    }

    @Test
    void newFileNameSlugsTheMessage() {
        assertThat(name("add password_changed_at to users")).isEqualTo("r1_add_password_changed_at_to_users.sql");
        assertThat(name("  Add: Users' E-Mail (v2)!  ")).isEqualTo("r1_add_users_e_mail_v2.sql");
        assertThat(name("Café naïve")).isEqualTo("r1_caf_na_ve.sql");
        assertThat(name("")).isEqualTo("r1.sql");
        assertThat(name("!!! ???")).isEqualTo("r1.sql");
        // cut at the last word boundary within 40 characters
        assertThat(name("add an index on orders created at for the monthly report"))
                .isEqualTo("r1_add_an_index_on_orders_created_at_for.sql");
        // a cut that falls exactly between words keeps the whole 40
        assertThat(name("x".repeat(40) + " more")).isEqualTo("r1_" + "x".repeat(40) + ".sql");
        // one long word has no boundary: a hard cut
        assertThat(name("y".repeat(50))).isEqualTo("r1_" + "y".repeat(40) + ".sql");
    }

    @Test
    void aFileNameMustBePlainAndMatchItsRevisionId() {
        for (String good : List.of("ab0000000006_a.sql", "ab0000000006.sql", "ab0000000006_a..b.sql")) {
            assertThat(RevisionDirectory.checkFileName(good, named(good))).as(good).isEmpty();
        }
        for (String bad : List.of("../../etc/ab0000000006_a.sql", "ab0000000006_x/../../y.sql", "versions/ab0000000006.sql",
                "..\\ab0000000006_a.sql", "ab0000000006_a\\..\\b.sql", "/ab0000000006.sql")) {
            assertThat(RevisionDirectory.checkFileName(bad, named(bad))).as(bad).hasValueSatisfying(e -> {
                assertThat(e.line()).isEqualTo(1);
                assertThat(e.getMessage()).isEqualTo(bad + ":1: file name '" + bad + "' is not a plain file name:"
                        + " it may not contain '/' or '\\' (expected 'ab0000000006_<slug>.sql' or 'ab0000000006.sql')");
            });
        }
        for (String bad : List.of("ab0000000007_a.sql", "ab00000000061.sql", "ab0000000006_a.txt", "ab0000000006",
                "x_ab0000000006.sql", "..", "ab0000000006_a.SQL")) {
            assertThat(RevisionDirectory.checkFileName(bad, named(bad))).as(bad).hasValueSatisfying(e ->
                    assertThat(e.getMessage()).isEqualTo(bad + ":1: file name '" + bad + "' does not match its revision"
                            + " id 'ab0000000006' (expected 'ab0000000006_<slug>.sql' or 'ab0000000006.sql')"));
        }
    }

    private static RevisionFile named(String name) {
        return RevisionFile.parse(Path.of(name), revision("ab0000000006", ""));
    }

    private static String name(String message) {
        return RevisionDirectory.newFileName(new Revision("r1", List.of(), List.of(), List.of(), message, true, "", ""));
    }

    private static String revision(String id, String parent) {
        return "-- revision: " + id + "\n-- down_revision: " + parent + "\n-- +upgrade\nSELECT 1;\n";
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
