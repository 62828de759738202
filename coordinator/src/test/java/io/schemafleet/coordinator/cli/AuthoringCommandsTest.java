package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.schemafleet.coordinator.cli.CliRunner.run;
import static io.schemafleet.coordinator.cli.CliRunner.runFailing;
import static io.schemafleet.coordinator.cli.CliRunner.runOk;
import static io.schemafleet.coordinator.cli.RevisionFixtures.branched;
import static io.schemafleet.coordinator.cli.RevisionFixtures.generatedPath;
import static io.schemafleet.coordinator.cli.RevisionFixtures.load;
import static io.schemafleet.coordinator.cli.RevisionFixtures.newRevision;
import static io.schemafleet.coordinator.cli.RevisionFixtures.revision;
import static io.schemafleet.coordinator.cli.RevisionFixtures.sqlFileNames;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code init}, {@code revision} and {@code merge}: what they write, and what they refuse. */
class AuthoringCommandsTest {
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("versions");
    }

    @Test
    void initCreatesAnEmptyRevisionsDirectory() throws Exception {
        // when
        CliRunner.Result result = runOk("init", dir().toString());

        // then
        assertThat(dir()).isEmptyDirectory();
        assertThat(result.outLines().get(0)).isEqualTo("Created revisions directory " + dir());
    }

    @Test
    void initAcceptsAnExistingDirectoryWithoutRevisionFiles() throws Exception {
        // given
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("README.md"), "notes");

        // when
        CliRunner.Result result = runOk("init", dir().toString());

        // then
        assertThat(result.outLines().get(0)).isEqualTo("Using the empty revisions directory " + dir());
    }

    @Test
    void initRefusesADirectoryThatAlreadyHoldsRevisionFiles() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("init", dir().toString());

        // then
        assertThat(result.err()).contains(dir().toString()).contains("already holds revision files");
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void firstRevisionIsABaseWithARandomHexId() throws Exception {
        // given
        runOk("init", dir().toString());

        // when
        Path file = generatedPath(runOk("revision", "--dir", dir().toString(), "-m", "create users"));

        // then
        RevisionDirectory loaded = load(dir());
        assertThat(loaded.files()).hasSize(1);
        Revision first = loaded.files().get(0).revision();
        assertThat(first.id()).matches("[0-9a-f]{12}");
        assertThat(first.isBase()).isTrue();
        assertThat(first.message()).isEqualTo("create users");
        assertThat(first.transactional()).isTrue();
        assertThat(file).isEqualTo(dir().resolve(first.id() + "_create_users.sql"));
        assertThat(Files.readString(file)).contains("-- down_revision:\n", "-- transactional: true\n");
    }

    @Test
    void nextRevisionHasTheCurrentHeadAsItsParent() throws Exception {
        // given
        runOk("init", dir().toString());
        newRevision(dir(), "-m", "create users");
        String firstId = load(dir()).files().get(0).revision().id();

        // when
        newRevision(dir(), "-m", "add email");

        // then
        Revision second = load(dir()).revisions().stream().filter(r -> !r.id().equals(firstId)).findFirst()
                .orElseThrow();
        assertThat(second.downRevisions()).containsExactly(firstId);
        assertThat(second.message()).isEqualTo("add email");
    }

    @Test
    void revIdIsUsedAsTheIdAndInTheFileName() throws Exception {
        // given
        runOk("init", dir().toString());

        // when
        Path file = newRevision(dir(), "-m", "Create users!", "--rev-id", "801b86be184b");

        // then
        assertThat(file.getFileName()).hasToString("801b86be184b_create_users.sql");
        assertThat(revision(dir(), "801b86be184b").message()).isEqualTo("Create users!");
    }

    @Test
    void headBaseWithABranchLabelStartsANewRoot() throws Exception {
        // given
        runOk("init", dir().toString());
        newRevision(dir(), "-m", "create users", "--rev-id", "a100");

        // when
        Path file = newRevision(dir(), "-m", "perf indexes", "--rev-id", "c300", "--head", "base",
                "--branch-label", "perf");

        // then
        Revision perf = revision(dir(), "c300");
        assertThat(perf.isBase()).isTrue();
        assertThat(perf.branchLabels()).containsExactly("perf");
        assertThat(Files.readString(file)).contains("-- branch_labels: perf\n");
        assertThat(runOk("heads", "--dir", dir().toString(), "--json").out()).isEqualTo("[\"a100\",\"c300\"]\n");
    }

    @Test
    void revisionWithTwoHeadsAndNoHeadFailsWithMultipleHeads() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "one more");

        // then
        assertThat(result.err()).isEqualTo("error: Multiple heads are present; please specify the head revision "
                + "on which the new revision should be based, or perform a merge.\n");
        assertThat(result.out()).isEmpty();
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void revisionWithTwoHeadsCanNameOneByLabel() throws Exception {
        // given
        branched(dir());

        // when
        newRevision(dir(), "-m", "more perf", "--rev-id", "e500", "--head", "perf@head");

        // then
        assertThat(revision(dir(), "e500").downRevisions()).containsExactly("c300");
    }

    @Test
    void revisionOnANonHeadWithoutSpliceIsRefused() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "side", "--head", "a100");

        // then
        assertThat(result.err()).contains("a100 is not a head revision").contains("--splice");
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void revisionOnANonHeadWithSpliceStartsABranch() throws Exception {
        // given
        branched(dir());

        // when
        newRevision(dir(), "-m", "side", "--head", "a100", "--splice", "--rev-id", "e500");

        // then
        assertThat(revision(dir(), "e500").downRevisions()).containsExactly("a100");
        assertThat(runOk("heads", "--dir", dir().toString(), "--json").out())
                .isEqualTo("[\"b200\",\"c300\",\"e500\"]\n");
    }

    @Test
    void dependsOnABranchLabelIsWrittenAsTheLabel() throws Exception {
        // given
        branched(dir());

        // when
        Path file = newRevision(dir(), "-m", "uses perf", "--head", "b200", "--depends-on", "perf", "--rev-id", "e500");

        // then
        assertThat(Files.readString(file)).contains("-- depends_on: perf\n");
        assertThat(revision(dir(), "e500").dependsOn()).containsExactly("perf");
    }

    @Test
    void dependsOnAnIdPrefixIsWrittenAsTheFullId() throws Exception {
        // given
        branched(dir());

        // when
        Path file = newRevision(dir(), "-m", "uses perf", "--head", "b200", "--depends-on", "c3", "--rev-id", "e500");

        // then
        assertThat(Files.readString(file)).contains("-- depends_on: c300\n");
        assertThat(revision(dir(), "e500").dependsOn()).containsExactly("c300");
    }

    @Test
    void dependsOnNothingKnownIsRefused() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "x", "--head", "b200",
                "--depends-on", "zzzz");

        // then
        assertThat(result.err()).contains("zzzz");
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void nonTransactionalWritesTransactionalFalse() throws Exception {
        // given
        runOk("init", dir().toString());

        // when
        Path file = newRevision(dir(), "-m", "index concurrently", "--non-transactional", "--rev-id", "a100");

        // then
        assertThat(Files.readString(file)).contains("-- transactional: false\n");
        assertThat(revision(dir(), "a100").transactional()).isFalse();
    }

    @Test
    void mergeHeadsWritesARevisionWhoseParentsAreBothHeads() throws Exception {
        // given
        branched(dir());

        // when
        Path file = generatedPath(runOk("merge", "--dir", dir().toString(), "heads", "-m", "merge perf",
                "--rev-id", "d400"));

        // then
        assertThat(Files.readString(file)).contains("-- down_revision: b200, c300\n");
        assertThat(revision(dir(), "d400").downRevisions()).containsExactly("b200", "c300");
        assertThat(revision(dir(), "d400").message()).isEqualTo("merge perf");
        assertThat(runOk("heads", "--dir", dir().toString(), "--json").out()).isEqualTo("[\"d400\"]\n");
    }

    @Test
    void mergeOfASingleHeadIsRefused() throws Exception {
        // given
        runOk("init", dir().toString());
        newRevision(dir(), "-m", "create users", "--rev-id", "a100");
        newRevision(dir(), "-m", "add email", "--rev-id", "b200");

        // when
        CliRunner.Result result = runFailing("merge", "--dir", dir().toString(), "heads", "-m", "nothing to merge");

        // then
        assertThat(result.err()).contains("a merge needs at least two heads to join; heads names only b200");
        assertThat(sqlFileNames(dir())).hasSize(2);
    }


    @Test
    void revisionWithATakenIdIsRefusedAndNothingIsOverwritten() throws Exception {
        // given
        branched(dir());
        String before = Files.readString(RevisionFixtures.fileOf(dir(), "a100"));

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "create users",
                "--head", "b200", "--rev-id", "a100");

        // then
        assertThat(result.err()).contains("a100");
        assertThat(Files.readString(RevisionFixtures.fileOf(dir(), "a100"))).isEqualTo(before);
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void revisionWithAnIllegalIdIsRefusedInOneLine() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "x", "--head", "b200",
                "--rev-id", "ab-cd");

        // then
        assertThat(result.err()).contains("Character(s) '-' not allowed in revision identifier 'ab-cd'");
    }

    @Test
    void revisionWithAMultiLineMessageIsRefusedInOneLine() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "line one\nline two",
                "--head", "b200");

        // then
        assertThat(result.err()).as("said before an id is made up for it")
                .isEqualTo("error: -m: the message must be one line of text (it opens the revision file)\n");
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void revisionDependingTwiceOnTheSameRevisionIsRefusedInOneLine() throws Exception {
        // given
        branched(dir());

        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "x", "--head", "b200",
                "--depends-on", "c300", "--depends-on", "c300");

        // then
        assertThat(result.err()).contains("c300");
        assertThat(sqlFileNames(dir())).hasSize(3);
    }

    @Test
    void revisionIntoAMissingDirectoryPointsAtInit() {
        // when
        CliRunner.Result result = runFailing("revision", "--dir", dir().toString(), "-m", "x");

        // then
        assertThat(result.err()).contains("schemafleet init");
        assertThat(dir()).doesNotExist();
    }

    @Test
    void aRevisionWithoutMessageIsAUsageError() throws Exception {
        // given
        runOk("init", dir().toString());

        // when
        CliRunner.Result result = run("revision", "--dir", dir().toString());

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--message");
        assertThat(sqlFileNames(dir())).isEmpty();
    }
}
