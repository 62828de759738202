package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.graph.VersionTableChange.Delete;
import io.schemafleet.protocol.graph.VersionTableChange.Insert;
import io.schemafleet.protocol.graph.VersionTableChange.Update;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionFile;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The revision graph against the Alembic behaviour that the documents the project grew from
 * ({@code ../shared/seeds/*.txt}) and Alembic's own documentation describe, one test per rule.
 *
 * <p>Sources cited in the comments:
 * <ul>
 *   <li>{@code seed 000}: 000_9a2355b7dd59bfa3.txt, an Alembic revision file ({@code 20251224_033104_initial.py});</li>
 *   <li>{@code seed 001}: 001_5e656b9e303b9c1a.txt, a migrations README (commands, troubleshooting);</li>
 *   <li>{@code seed 002}: 002_2acf5fcee5386164.txt, a migrations README (commands, file names);</li>
 *   <li>{@code seed 003}: 003_c8626eb4ecaa1a51.txt, a migrations README with a four-revision chain;</li>
 *   <li>{@code branches.rst}: Alembic's "Working with Branches" (docs/build/branches.rst), and
 *       {@code tutorial}: Alembic's tutorial sections "Partial Revision Identifiers" and
 *       "Relative Migration Identifiers". The seeds themselves say nothing about branches,
 *       merges, labels, depends_on or relative forms other than {@code -1}, so those rules are
 *       cited from the Alembic documentation.</li>
 * </ul>
 *
 * <p>Every expected value was checked against real Alembic 1.8.1 (Debian's python3-alembic,
 * through {@code src/test/alembic/generate_corpus.py}'s {@code answer_question}) with the
 * same revisions in the same load order (file-name order). Where the documentation's printed
 * output disagrees with what Alembic 1.8.1 does, the test follows Alembic 1.8.1 and says so.
 *
 * <p>{@link CommandMessages}: what the commands say when they cannot answer, in Alembic's words.
 */
class AlembicDocumentedBehaviourTest {

    // ---- graphs ---------------------------------------------------------------------------

    /** seed 003's chain, with seed 000's initial revision as its base, in file-name order. */
    private static final RevisionGraph SEED_003 = RevisionGraph.of(List.of(
            rev("2d12193b6184", "360b16ba22c2"),
            rev("360b16ba22c2", "801b86be184b"),
            rev("3cfc87221979", "2d12193b6184"),
            rev("801b86be184b"),
            rev("ecf5acd6708d", "3cfc87221979")));

    /** branches.rst: 1975ea83b712 branching into ae1027a6acf and 27c6a30d7c24. */
    private static final RevisionGraph BRANCH = RevisionGraph.of(List.of(
            rev("1975ea83b712"),
            rev("27c6a30d7c24", "1975ea83b712"),
            rev("ae1027a6acf", "1975ea83b712")));

    /** branches.rst: the same, merged by 53fffde5ad5 (down_revision = ('ae1027a6acf', '27c6a30d7c24')). */
    private static final RevisionGraph MERGE = RevisionGraph.of(List.of(
            rev("1975ea83b712"),
            rev("27c6a30d7c24", "1975ea83b712"),
            rev("53fffde5ad5", "ae1027a6acf", "27c6a30d7c24"),
            rev("ae1027a6acf", "1975ea83b712")));

    /** branches.rst: 27c6a30d7c24 labelled shoppingcart. */
    private static final RevisionGraph SHOPPINGCART = RevisionGraph.of(List.of(
            rev("1975ea83b712"),
            labelled("27c6a30d7c24", "shoppingcart", "1975ea83b712"),
            rev("ae1027a6acf", "1975ea83b712")));

    /** branches.rst: ... plus d747a8a8879 on shoppingcart. */
    private static final RevisionGraph SHOPPINGCART_2 = RevisionGraph.of(List.of(
            rev("1975ea83b712"),
            labelled("27c6a30d7c24", "shoppingcart", "1975ea83b712"),
            rev("ae1027a6acf", "1975ea83b712"),
            rev("d747a8a8879", "27c6a30d7c24")));

    /** branches.rst, "Working with Multiple Bases": a second base labelled networking, before depends_on. */
    private static final RevisionGraph BASES = RevisionGraph.of(List.of(
            rev("109ec7d132bf", "3cac04ae8714"),
            rev("1975ea83b712"),
            labelled("27c6a30d7c24", "shoppingcart", "1975ea83b712"),
            rev("29f859a13ea", "109ec7d132bf"),
            labelled("3cac04ae8714", "networking"),
            rev("55af2cb1c267", "ae1027a6acf"),
            rev("ae1027a6acf", "1975ea83b712"),
            rev("d747a8a8879", "27c6a30d7c24")));

    /** branches.rst, "Branch Dependencies": 2a95102259be (networking) depends_on 55af2cb1c267. */
    private static final List<Revision> DEPENDS_REVISIONS = List.of(
            rev("109ec7d132bf", "3cac04ae8714"),
            rev("1975ea83b712"),
            labelled("27c6a30d7c24", "shoppingcart", "1975ea83b712"),
            rev("29f859a13ea", "109ec7d132bf"),
            Revision.of("2a95102259be", List.of("29f859a13ea"), List.of(), List.of("55af2cb1c267")),
            labelled("3cac04ae8714", "networking"),
            rev("55af2cb1c267", "ae1027a6acf"),
            rev("ae1027a6acf", "1975ea83b712"),
            rev("d747a8a8879", "27c6a30d7c24"));
    private static final RevisionGraph DEPENDS = RevisionGraph.of(DEPENDS_REVISIONS);

    /** branches.rst: ... plus 34e094ad6ef1 on 55af2cb1c267 ("--head=55af2cb@head"). */
    private static final RevisionGraph DEPENDS_34 = RevisionGraph.of(concat(DEPENDS_REVISIONS,
            rev("34e094ad6ef1", "55af2cb1c267")));

    // ---- seed 003 / 001 / 002: the linear commands ------------------------------------------------

    @Test
    void upgradeHeadAppliesAllPendingMigrationsInDownRevisionOrderNotFileNameOrder() {
        // seed 001: "alembic upgrade head" - "Apply all pending migrations"
        // seed 003: "Migrations should be applied in chronological order, as specified by the
        //            `down_revision` in each file."
        Plan plan = planner(SEED_003).upgrade("head", List.of());

        assertThat(moves(plan)).containsExactly("+801b86be184b", "+360b16ba22c2", "+2d12193b6184",
                "+3cfc87221979", "+ecf5acd6708d");
        assertThat(plan.steps()).extracting(Step::versionChanges).containsExactly(
                List.of(new Insert("801b86be184b")),
                List.of(new Update("801b86be184b", "360b16ba22c2")),
                List.of(new Update("360b16ba22c2", "2d12193b6184")),
                List.of(new Update("2d12193b6184", "3cfc87221979")),
                List.of(new Update("3cfc87221979", "ecf5acd6708d")));
        assertThat(plan.headsAfter()).containsExactly("ecf5acd6708d");
    }

    @Test
    void upgradeHeadWhenAlreadyAtHeadDoesNothing() {
        // seed 001: "alembic upgrade head" - "Apply all pending migrations" (none pending)
        Plan plan = planner(SEED_003).upgrade("head", List.of("ecf5acd6708d"));

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.headsAfter()).containsExactly("ecf5acd6708d");
    }

    @Test
    void downgradeMinusOneRollsBackExactlyOneMigration() {
        // seed 001: "alembic downgrade -1"  "Rollback one migration"; seed 002: "Rollback to previous migration"
        Plan plan = planner(SEED_003).downgrade("-1", List.of("ecf5acd6708d"));

        assertThat(moves(plan)).containsExactly("-ecf5acd6708d");
        assertThat(plan.steps().get(0).versionChanges()).containsExactly(new Update("ecf5acd6708d", "3cfc87221979"));
        assertThat(plan.headsAfter()).containsExactly("3cfc87221979");
    }

    @Test
    void upgradeToASpecificRevisionStopsThere() {
        // seed 003: "Apply migrations up to a specific revision: alembic upgrade <revision_id>"
        Plan plan = planner(SEED_003).upgrade("2d12193b6184", List.of());

        assertThat(moves(plan)).containsExactly("+801b86be184b", "+360b16ba22c2", "+2d12193b6184");
        assertThat(plan.headsAfter()).containsExactly("2d12193b6184");
    }

    @Test
    void upgradeToARevisionAlreadyBelowTheCurrentOneDoesNothing() {
        // seed 003: "alembic upgrade <revision_id>" when the database is already past it
        Plan plan = planner(SEED_003).upgrade("2d12193b6184", List.of("ecf5acd6708d"));

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.headsAfter()).containsExactly("ecf5acd6708d");
    }

    @Test
    void downgradeToASpecificRevisionUndoesEverythingAboveIt() {
        // seed 003: "Roll back to a specific version: alembic downgrade <revision_id>"
        Plan plan = planner(SEED_003).downgrade("2d12193b6184", List.of("ecf5acd6708d"));

        assertThat(moves(plan)).containsExactly("-ecf5acd6708d", "-3cfc87221979");
        assertThat(plan.headsAfter()).containsExactly("2d12193b6184");
    }

    @Test
    void downgradeToARevisionAboveTheCurrentOneIsRangeNotAncestor() {
        // seed 003: "alembic downgrade <revision_id>" with a revision that is not below the database
        assertKind(() -> planner(SEED_003).downgrade("ecf5acd6708d", List.of("2d12193b6184")),
                Kind.RANGE_NOT_ANCESTOR);
    }

    @Test
    void downgradeBaseUndoesEveryMigrationAndEmptiesTheVersionTable() {
        // seed 001: "Or reset and replay: Drop tables, then `alembic upgrade head`" (the reset being
        // tutorial's "alembic downgrade base")
        Plan plan = planner(SEED_003).downgrade("base", List.of("ecf5acd6708d"));

        assertThat(moves(plan)).containsExactly("-ecf5acd6708d", "-3cfc87221979", "-2d12193b6184",
                "-360b16ba22c2", "-801b86be184b");
        assertThat(plan.steps().get(4).versionChanges()).containsExactly(new Delete("801b86be184b"));
        assertThat(plan.headsAfter()).isEmpty();
    }

    @Test
    void historyListsNewestFirstByDownRevision() {
        // seed 001 / 003: "alembic history" - "View migration history"; seed 003's timeline
        // "360b16ba22c2 ... ↓ 2d12193b6184 ... ↓ 3cfc87221979 ... ↓ ecf5acd6708d"
        assertThat(planner(SEED_003).history(null)).extracting(Revision::id).containsExactly(
                "ecf5acd6708d", "3cfc87221979", "2d12193b6184", "360b16ba22c2", "801b86be184b");
    }

    @Test
    void historyRangeSelectsASpanOfTheChain() {
        // seed 001 / 003: "alembic history" (tutorial: "history -r1975ea:ae1027")
        assertThat(planner(SEED_003).history("360b:3cfc")).extracting(Revision::id)
                .containsExactly("3cfc87221979", "2d12193b6184", "360b16ba22c2");
        assertThat(planner(SEED_003).history(":2d12")).extracting(Revision::id)
                .containsExactly("2d12193b6184", "360b16ba22c2", "801b86be184b");
    }

    @Test
    void historyRangeThatIsNotAncestorToDescendantIsRangeNotAncestor() {
        // seed 003: "alembic history"; Alembic: "Requested range 3cfc:360b does not refer to
        // ancestor/descendant revisions along the same branch"
        assertKind(() -> planner(SEED_003).history("3cfc:360b"), Kind.RANGE_NOT_ANCESTOR);
    }

    @Test
    void placeholderRevisionWithNoOperationsIsStillAStepThatMovesTheVersionTable() {
        // seed 003: "3cfc87221979 ... Status: ⚠️ Placeholder – no operations defined yet."
        RevisionFile file = RevisionFile.parse(Path.of("3cfc87221979_set_on_delete_set_null_for_audit_log_.sql"),
                "-- revision: 3cfc87221979\n-- down_revision: 2d12193b6184\n-- +upgrade\n-- +downgrade\n");
        assertThat(file.revision().upgradeSql()).isEmpty();
        RevisionGraph graph = RevisionGraph.of(List.of(rev("801b86be184b"), rev("360b16ba22c2", "801b86be184b"),
                rev("2d12193b6184", "360b16ba22c2"), file.revision(), rev("ecf5acd6708d", "3cfc87221979")));

        Plan plan = planner(graph).upgrade("head", List.of("2d12193b6184"));

        assertThat(moves(plan)).containsExactly("+3cfc87221979", "+ecf5acd6708d");
        assertThat(plan.steps().get(0).sql()).isEmpty();
        assertThat(plan.steps().get(0).versionChanges()).containsExactly(new Update("2d12193b6184", "3cfc87221979"));
    }

    @Test
    void revisionWithEmptyRevisesIsABase() {
        // seed 000: "Revises: " and "down_revision: Union[str, None] = None"
        RevisionFile file = RevisionFile.parse(Path.of("801b86be184b_initial.sql"),
                "-- revision: 801b86be184b\n-- down_revision:\n-- message: initial\n-- +upgrade\nCREATE TABLE users ();\n");

        assertThat(file.revision().isBase()).isTrue();
        assertThat(RevisionGraph.of(List.of(file.revision())).bases()).containsExactly("801b86be184b");
    }

    @Test
    void noBranchLabelsAndNoDependsOnMeanNone() {
        // seed 000: "branch_labels: Union[str, Sequence[str], None] = None" and
        //           "depends_on: Union[str, Sequence[str], None] = None"
        RevisionFile file = RevisionFile.parse(Path.of("801b86be184b_initial.sql"),
                "-- revision: 801b86be184b\n-- branch_labels:\n-- depends_on:\n-- +upgrade\n");

        assertThat(file.revision().branchLabels()).isEmpty();
        assertThat(file.revision().dependsOn()).isEmpty();
    }

    @Test
    void revisionIdIsReadFromTheFileNotFromItsName() {
        // seed 001: "Format: `{revision_id}_{description}.py`"; seed 000: file
        // "20251224_033104_initial.py" holds "revision: str = '801b86be184b'"
        RevisionFile file = RevisionFile.parse(Path.of("122b81ebc3d7_add_compound_indexes_to_models.sql"),
                "-- revision: 122b81ebc3d7\n-- down_revision: 001\n-- +upgrade\n");

        assertThat(file.revision().id()).isEqualTo("122b81ebc3d7");
        assertThat(file.revision().downRevisions()).containsExactly("001");
    }

    @Test
    void shortNonHexRevisionIdIsMatchedExactlyButNotAsAPrefix() {
        // seed 001: "1. **001_consolidated_initial_migration.py**" then
        //           "2. **122b81ebc3d7_add_compound_indexes_to_models.py**"
        // Alembic matches partial ids only against keys longer than 3 characters.
        RevisionGraph graph = RevisionGraph.of(List.of(rev("001"), rev("122b81ebc3d7", "001")));

        assertThat(moves(planner(graph).upgrade("001", List.of()))).containsExactly("+001");
        assertThat(planner(graph).downgrade("-1", List.of("122b81ebc3d7")).headsAfter()).containsExactly("001");
        assertKind(() -> planner(graph).upgrade("00", List.of()), Kind.RESOLUTION_ERROR);
        assertThat(moves(planner(graph).upgrade("1", List.of()))).containsExactly("+001", "+122b81ebc3d7");
    }

    @Test
    void dateLikeRevisionIdsWorkWithPartialIds() {
        // seed 002: "versions/ ... f140e6f46727_initial_migration.py, 31eb30e5f037_add_file_size_field.py,
        //            20250605_add_used_password_reset_tokens.py"; "python -m alembic upgrade [revision_id]"
        RevisionGraph graph = RevisionGraph.of(List.of(rev("20250605", "31eb30e5f037"),
                rev("31eb30e5f037", "f140e6f46727"), rev("f140e6f46727")));

        assertThat(moves(planner(graph).upgrade("2025", List.of())))
                .containsExactly("+f140e6f46727", "+31eb30e5f037", "+20250605");
        assertThat(planner(graph).downgrade("-1", List.of("20250605")).headsAfter()).containsExactly("31eb30e5f037");
    }

    @Test
    void stampHeadRecordsTheHeadWithoutRunningAnything() {
        // seed 001: "Schema mismatch - Stamp current state: `alembic stamp head`"
        Plan fromEmpty = planner(SEED_003).stamp("head", List.of());
        Plan fromMiddle = planner(SEED_003).stamp("heads", List.of("360b16ba22c2"));

        assertThat(fromEmpty.steps()).isEmpty();
        assertThat(fromEmpty.headsAfter()).containsExactly("ecf5acd6708d");
        assertThat(fromMiddle.steps()).isEmpty();
        assertThat(fromMiddle.headsAfter()).containsExactly("ecf5acd6708d");
    }

    @Test
    void stampBaseAndStampToAnAncestorReplaceTheRows() {
        // seed 001: "alembic stamp head" (and Alembic's stamp to other targets)
        assertThat(planner(SEED_003).stamp("base", List.of("ecf5acd6708d")).headsAfter()).isEmpty();
        assertThat(planner(SEED_003).stamp("2d12193b6184", List.of("ecf5acd6708d")).headsAfter())
                .containsExactly("2d12193b6184");
        assertThat(planner(BRANCH).stamp("base", List.of("27c6a30d7c24", "ae1027a6acf")).headsAfter()).isEmpty();
        assertThat(planner(BRANCH).stamp("1975ea83b712", List.of("27c6a30d7c24", "ae1027a6acf")).headsAfter())
                .containsExactly("1975ea83b712");
    }

    @Test
    void stampToAnUnrelatedBranchAddsARow() {
        // seed 001: "alembic stamp head"; branches.rst: "two rows in alembic_version"
        assertThat(planner(BRANCH).stamp("ae1027a6acf", List.of("27c6a30d7c24")).headsAfter())
                .containsExactly("27c6a30d7c24", "ae1027a6acf");
        assertThat(planner(BRANCH).stamp("heads", List.of()).headsAfter())
                .containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void unknownRevisionInTheVersionTableIsAResolutionError() {
        // seed 001: "**"Can't locate revision"** - Check alembic_version table:
        //            `SELECT * FROM alembic_version;` - Remove invalid entries manually if needed"
        assertKind(() -> planner(SEED_003).upgrade("head", List.of("deadbeef0000")), Kind.RESOLUTION_ERROR)
                .hasMessageContaining("deadbeef0000");
    }

    @Test
    void rangeDestinationIsRefusedOnline() {
        // tutorial: "The start:end syntax is only allowed in offline mode"; Alembic: "Range revision not allowed"
        assertKind(() -> planner(SEED_003).upgrade("801b86be184b:head", List.of()), Kind.COMMAND_ERROR)
                .hasMessage("Range revision not allowed");
    }

    // ---- heads, head, merges ---------------------------------------------------------------------

    @Test
    void headsListsEveryHead() {
        // seed 001: "Migration conflicts - Use `alembic heads` to see multiple heads"
        // branches.rst: "$ alembic heads / 27c6a30d7c24 / ae1027a6acf"
        assertThat(BRANCH.heads()).containsExactly("27c6a30d7c24", "ae1027a6acf");
        assertThat(BRANCH.resolve("heads")).extracting(o -> o.orElseThrow())
                .containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void headWithSeveralHeadsIsMultipleHeads() {
        // branches.rst: "$ alembic upgrade head / FAILED: Multiple head revisions are present for given
        //               argument 'head'"
        assertKind(() -> planner(BRANCH).upgrade("head", List.of()), Kind.MULTIPLE_HEADS);
    }

    @Test
    void resolvingHeadWithSeveralHeadsNamesThem() {
        // RevisionMap's MultipleHeads (branches.rst: "As we have more than one head, the upgrade
        // command wants us to provide more information")
        assertKind(() -> BRANCH.resolveOne("head"), Kind.MULTIPLE_HEADS)
                .hasMessage("Multiple heads are present for given argument 'head'; 27c6a30d7c24, ae1027a6acf");
        assertKind(() -> SHOPPINGCART_2.resolveOne("1975ea83b712@head"), Kind.MULTIPLE_HEADS)
                .hasMessage("Multiple heads are present for given argument '1975ea83b712@head'; "
                        + "ae1027a6acf, d747a8a8879");
    }

    @Test
    void mergeLeavesASingleHead() {
        // seed 001: "Merge migrations: `alembic merge heads -m "merge_description"`"
        // branches.rst: "the multiple heads in our versions/ directory have been resolved into our new head"
        assertThat(MERGE.heads()).containsExactly("53fffde5ad5");
        assertThat(MERGE.resolveOne("head")).contains("53fffde5ad5");
        assertThat(MERGE.isBranchPoint("1975ea83b712")).isTrue();
    }

    @Test
    void upgradeHeadThroughAMergeWritesTheDocumentedVersionTableStatements() {
        // branches.rst ("merge mechanics"):
        //   "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')"
        //   "UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE ... = '1975ea83b712'"
        //   "INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf')"
        //   "DELETE FROM alembic_version WHERE ... = 'ae1027a6acf'"
        //   "UPDATE alembic_version SET version_num='53fffde5ad5' WHERE ... = '27c6a30d7c24'"
        Plan plan = planner(MERGE).upgrade("head", List.of());

        assertThat(moves(plan)).containsExactly("+1975ea83b712", "+27c6a30d7c24", "+ae1027a6acf", "+53fffde5ad5");
        assertThat(plan.steps()).extracting(Step::versionChanges).containsExactly(
                List.of(new Insert("1975ea83b712")),
                List.of(new Update("1975ea83b712", "27c6a30d7c24")),
                List.of(new Insert("ae1027a6acf")),
                List.of(new Delete("ae1027a6acf"), new Update("27c6a30d7c24", "53fffde5ad5")));
        assertThat(plan.headsAfter()).containsExactly("53fffde5ad5");
    }

    @Test
    void bothBranchHeadsAreRowsUntilTheMergeIsCrossed() {
        // branches.rst: "At the point at which both 27c6a30d7c24 and ae1027a6acf exist within our database,
        //               both values are present in alembic_version, which now has two rows."
        Plan first = planner(MERGE).upgrade("27c6a30d7c24", List.of());
        Plan second = planner(MERGE).upgrade("ae1027a6acf", first.headsAfter());

        assertThat(first.headsAfter()).containsExactly("27c6a30d7c24");
        assertThat(moves(second)).containsExactly("+ae1027a6acf");
        assertThat(second.steps().get(0).versionChanges()).containsExactly(new Insert("ae1027a6acf"));
        assertThat(second.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void mergeRunsFromEitherParentAloneApplyingTheMissingSiblingFirst() {
        // branches.rst: "it will run equally well on databases that were present on version ae1027a6acf alone,
        //               versus databases that were present on version 27c6a30d7c24 alone; whichever version
        //               was not yet applied, will be applied before the merge point can be crossed."
        Plan fromAe = planner(MERGE).upgrade("head", List.of("ae1027a6acf"));
        Plan from27 = planner(MERGE).upgrade("head", List.of("27c6a30d7c24"));
        Plan fromBoth = planner(MERGE).upgrade("head", List.of("ae1027a6acf", "27c6a30d7c24"));

        assertThat(moves(fromAe)).containsExactly("+27c6a30d7c24", "+53fffde5ad5");
        assertThat(fromAe.steps().get(0).versionChanges()).containsExactly(new Insert("27c6a30d7c24"));
        assertThat(moves(from27)).containsExactly("+ae1027a6acf", "+53fffde5ad5");
        assertThat(moves(fromBoth)).containsExactly("+53fffde5ad5");
        assertThat(fromAe.headsAfter()).containsExactly("53fffde5ad5");
        assertThat(from27.headsAfter()).containsExactly("53fffde5ad5");
    }

    @Test
    void upgradeHeadsFromAFreshDatabaseLeavesOneRowPerHead() {
        // branches.rst: "$ alembic upgrade heads / Running upgrade -> 1975ea83b712 / Running upgrade
        //   1975ea83b712 -> ae1027a6acf / Running upgrade 1975ea83b712 -> 27c6a30d7c24"
        //   "$ alembic current / ae1027a6acf (head) / 27c6a30d7c24 (head)"
        Plan plan = planner(BRANCH).upgrade("heads", List.of());

        assertThat(moves(plan)).containsExactly("+1975ea83b712", "+ae1027a6acf", "+27c6a30d7c24");
        assertThat(plan.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void downgradeOneStepAtATimeDeletesClosedBranchesThenUpdatesTheLastOne() {
        // branches.rst: "If we downgrade one step at a time, Alembic will delete from the alembic_version table
        //   each branch that's closed out, until only one branch remains; then it will continue updating the
        //   single value down to the previous versions"
        MigrationPlanner planner = planner(BRANCH);

        Plan first = planner.downgrade("-1", List.of("ae1027a6acf", "27c6a30d7c24"));
        assertThat(moves(first)).containsExactly("-ae1027a6acf");
        assertThat(first.steps().get(0).versionChanges()).containsExactly(new Delete("ae1027a6acf"));
        assertThat(first.headsAfter()).containsExactly("27c6a30d7c24");

        Plan second = planner.downgrade("-1", first.headsAfter());
        assertThat(moves(second)).containsExactly("-27c6a30d7c24");
        assertThat(second.steps().get(0).versionChanges()).containsExactly(new Update("27c6a30d7c24", "1975ea83b712"));
        assertThat(second.headsAfter()).containsExactly("1975ea83b712");

        Plan third = planner.downgrade("-1", second.headsAfter());
        assertThat(moves(third)).containsExactly("-1975ea83b712");
        assertThat(third.headsAfter()).isEmpty();
    }

    @Test
    void downgradeMinusOneWithSeveralRowsStartsFromTheFirstRow() {
        // branches.rst: "$ alembic current / ae1027a6acf (head) / 27c6a30d7c24 (head) / $ alembic downgrade -1 /
        //               Running downgrade ae1027a6acf -> 1975ea83b712" (the first row is the one walked down)
        assertThat(moves(planner(BRANCH).downgrade("-1", List.of("27c6a30d7c24", "ae1027a6acf"))))
                .containsExactly("-27c6a30d7c24");
        assertThat(moves(planner(BRANCH).downgrade("-2", List.of("ae1027a6acf", "27c6a30d7c24"))))
                .containsExactly("-27c6a30d7c24", "-ae1027a6acf", "-1975ea83b712");
    }

    @Test
    void upgradeToOneBranchAppliesItsAncestorsButNoSibling() {
        // branches.rst: "if we upgrade either to 27c6a30d7c24 or ae1027a6acf specifically, it guarantees that
        //   1975ea83b712 will have been applied, but not that any "sibling" versions are applied"
        //   "$ alembic upgrade 27c6a" ... "$ alembic upgrade ae102 / Running upgrade 1975ea83b712 -> ae1027a6acf"
        Plan first = planner(BRANCH).upgrade("27c6a", List.of());
        Plan second = planner(BRANCH).upgrade("ae102", first.headsAfter());

        assertThat(moves(first)).containsExactly("+1975ea83b712", "+27c6a30d7c24");
        assertThat(moves(second)).containsExactly("+ae1027a6acf");
        assertThat(second.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void downgradeToOneParentOfAMergeUnmergesIntoBothParentRows() {
        // branches.rst ("merge mechanics"): a merge is a node "that cannot be crossed until all of its
        //   dependencies are satisfied"; going back below it restores one row per parent
        Plan toAe = planner(MERGE).downgrade("ae1027a6acf", List.of("53fffde5ad5"));
        Plan to27 = planner(MERGE).downgrade("27c6a30d7c24", List.of("53fffde5ad5"));

        assertThat(moves(toAe)).containsExactly("-53fffde5ad5");
        assertThat(toAe.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
        assertThat(moves(to27)).containsExactly("-53fffde5ad5");
        assertThat(to27.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void downgradeBelowAMergeUndoesBothBranches() {
        // branches.rst: merge point as a diamond "<base> --> 1975ea83b712 --> ... --> mergepoint"
        Plan toBranchPoint = planner(MERGE).downgrade("1975ea83b712", List.of("53fffde5ad5"));
        Plan toBase = planner(MERGE).downgrade("base", List.of("53fffde5ad5"));

        assertThat(moves(toBranchPoint)).containsExactly("-53fffde5ad5", "-ae1027a6acf", "-27c6a30d7c24");
        assertThat(toBranchPoint.headsAfter()).containsExactly("1975ea83b712");
        assertThat(moves(toBase)).containsExactly("-53fffde5ad5", "-ae1027a6acf", "-27c6a30d7c24", "-1975ea83b712");
        assertThat(toBase.headsAfter()).isEmpty();
    }

    @Test
    void downgradeMinusOneFromAMergeIsAnAmbiguousWalk() {
        // seed 001: "alembic downgrade -1" at a merge point: Alembic 1.8.1 raises RevisionError "Ambiguous walk"
        assertKind(() -> planner(MERGE).downgrade("-1", List.of("53fffde5ad5")), Kind.REVISION_ERROR)
                .hasMessage("Ambiguous walk");
    }

    // ---- relative and partial identifiers ------------------------------------------------------

    @Test
    void plusNUpgradesNStepsFromTheCurrentRevision() {
        // tutorial: "To move two versions from the current, a decimal value "+N" can be supplied:
        //            alembic upgrade +2"
        Plan plan = planner(SEED_003).upgrade("+2", List.of("801b86be184b"));

        assertThat(moves(plan)).containsExactly("+360b16ba22c2", "+2d12193b6184");
        assertThat(plan.headsAfter()).containsExactly("2d12193b6184");
        assertThat(moves(planner(SEED_003).upgrade("+1", List.of()))).containsExactly("+801b86be184b");
    }

    @Test
    void minusNDowngradesNSteps() {
        // tutorial: "Negative values are accepted for downgrades: alembic downgrade -1"
        Plan plan = planner(SEED_003).downgrade("-2", List.of("ecf5acd6708d"));

        assertThat(moves(plan)).containsExactly("-ecf5acd6708d", "-3cfc87221979");
        assertThat(plan.headsAfter()).containsExactly("2d12193b6184");
    }

    @Test
    void relativeToARevisionCountsFromThatRevision() {
        // tutorial: "Relative identifiers may also be in terms of a specific revision. For example, to upgrade
        //            to revision ae1027a6acf plus two additional steps: alembic upgrade ae10+2"
        assertThat(planner(SEED_003).upgrade("2d12+2", List.of()).headsAfter()).containsExactly("ecf5acd6708d");
        assertThat(planner(SEED_003).upgrade("360b+1", List.of("801b86be184b")).headsAfter())
                .containsExactly("2d12193b6184");
        assertThat(planner(SEED_003).downgrade("ecf5-2", List.of("ecf5acd6708d")).headsAfter())
                .containsExactly("2d12193b6184");
    }

    @Test
    void headMinusNAndBasePlusNAreDestinationsOfUpgradeAndDowngrade() {
        // branches.rst: "The newer relnum+delta format can be combined as well ... :shoppingcart@head-2"
        MigrationPlanner planner = planner(SEED_003);

        assertThat(planner.upgrade("head-1", List.of()).headsAfter()).containsExactly("3cfc87221979");
        assertThat(planner.upgrade("base+3", List.of()).headsAfter()).containsExactly("2d12193b6184");
        assertThat(planner.downgrade("head-2", List.of("ecf5acd6708d")).headsAfter()).containsExactly("2d12193b6184");
        assertThat(planner.downgrade("base+2", List.of("ecf5acd6708d")).headsAfter()).containsExactly("360b16ba22c2");
    }

    @Test
    void headMinusNIsNotASymbolOutsideARange() {
        // Alembic 1.8.1: RevisionMap.get_revisions('head-1') -> "No such revision or branch 'head-1'"
        assertKind(() -> SEED_003.resolve("head-1"), Kind.RESOLUTION_ERROR);
        assertKind(() -> SEED_003.resolve("base+3"), Kind.RESOLUTION_ERROR);
    }

    @Test
    void relativeStepsPastTheEndAreAnError() {
        // tutorial: "alembic upgrade +2"; Alembic: "Relative revision +9 didn't produce 9 migrations"
        assertKind(() -> planner(SEED_003).upgrade("+9", List.of("801b86be184b")), Kind.REVISION_ERROR)
                .hasMessage("Relative revision +9 didn't produce 9 migrations");
        assertKind(() -> planner(SEED_003).downgrade("-9", List.of("ecf5acd6708d")), Kind.REVISION_ERROR)
                .hasMessage("Relative revision -9 didn't produce 9 migrations");
    }

    @Test
    void plusOneIntoABranchPointOrFromTwoRowsIsAmbiguous() {
        // tutorial: "alembic upgrade +2" when the next revision is not unique
        assertKind(() -> planner(BRANCH).upgrade("+1", List.of("1975ea83b712")), Kind.REVISION_ERROR)
                .hasMessage("Ambiguous walk");
        assertKind(() -> planner(MERGE).upgrade("+1", List.of("ae1027a6acf", "27c6a30d7c24")), Kind.REVISION_ERROR)
                .hasMessage("Ambiguous upgrade from multiple current revisions");
        assertThat(moves(planner(MERGE).upgrade("+1", List.of("ae1027a6acf"))))
                .containsExactly("+27c6a30d7c24", "+53fffde5ad5");
    }

    @Test
    void partialIdentifierOfThreeCharactersIsEnoughWhenUnique() {
        // tutorial: "alembic upgrade ae1 - Above, we use ae1 to refer to revision ae1027a6acf."
        assertThat(moves(planner(BRANCH).upgrade("ae1", List.of()))).containsExactly("+1975ea83b712", "+ae1027a6acf");
        assertThat(DEPENDS.resolveIds("2a9")).containsExactly("2a95102259be");
    }

    @Test
    void ambiguousPartialIdentifierStops() {
        // tutorial: "Alembic will stop and let you know if more than one version starts with that prefix."
        assertKind(() -> DEPENDS.resolve("2"), Kind.RESOLUTION_ERROR)
                .hasMessage("Multiple revisions start with '2': '27c6a30d7c24', '29f859a13ea', '2a95102259be'...");
        assertKind(() -> planner(SEED_003).upgrade("3", List.of()), Kind.RESOLUTION_ERROR);
    }

    @Test
    void unknownIdentifierIsAResolutionError() {
        // tutorial "Partial Revision Identifiers"; Alembic: "No such revision or branch 'nope'"
        assertKind(() -> SEED_003.resolve("nope"), Kind.RESOLUTION_ERROR).hasMessage("No such revision or branch 'nope'");
        assertKind(() -> SEED_003.resolve("zz"), Kind.RESOLUTION_ERROR).hasMessage("No such revision or branch 'zz'; "
                + "please ensure at least four characters are present for partial revision identifier matches");
    }

    // ---- branch labels -------------------------------------------------------------------------

    @Test
    void branchLabelIsAnAliasForItsRevision() {
        // branches.rst: "the name shoppingcart now serves as an alias for the 27c6a30d7c24 revision specifically"
        assertThat(SHOPPINGCART_2.resolveIds("shoppingcart")).containsExactly("27c6a30d7c24");
        assertThat(SHOPPINGCART_2.labelledRevision("shoppingcart")).contains("27c6a30d7c24");
        assertThat(moves(planner(SHOPPINGCART_2).upgrade("shoppingcart", List.of())))
                .containsExactly("+1975ea83b712", "+27c6a30d7c24");
    }

    @Test
    void branchLabelAppliesToDescendantsAndToAncestorsUpToTheBranchPoint() {
        // branches.rst: "which will now apply to this revision, all descendants of this revision, as well as all
        //   ancestors of this revision up until the preceding branch point, in this case 1975ea83b712"
        assertThat(SHOPPINGCART_2.branchLabelsOf("27c6a30d7c24")).containsExactly("shoppingcart");
        assertThat(SHOPPINGCART_2.branchLabelsOf("d747a8a8879")).containsExactly("shoppingcart");
        assertThat(SHOPPINGCART_2.branchLabelsOf("1975ea83b712")).isEmpty();
        assertThat(SHOPPINGCART_2.branchLabelsOf("ae1027a6acf")).isEmpty();

        RevisionGraph chain = RevisionGraph.of(List.of(rev("b0000"), rev("b1111", "b0000"),
                labelled("b2222", "lbl", "b1111"), rev("b3333", "b2222"), rev("s0000", "b0000")));
        assertThat(chain.branchLabelsOf("b1111")).containsExactly("lbl");
        assertThat(chain.branchLabelsOf("b3333")).containsExactly("lbl");
        assertThat(chain.branchLabelsOf("b0000")).isEmpty();
        assertThat(chain.branchLabelsOf("s0000")).isEmpty();
    }

    @Test
    void labelAtHeadUpgradesOnlyThatBranch() {
        // branches.rst: "we can refer to this head specifically using shoppingcart@head syntax:
        //   $ alembic upgrade shoppingcart@head / Running upgrade 1975ea83b712 -> 27c6a30d7c24"
        Plan plan = planner(SHOPPINGCART).upgrade("shoppingcart@head", List.of("1975ea83b712"));

        assertThat(moves(plan)).containsExactly("+27c6a30d7c24");
        assertThat(plan.headsAfter()).containsExactly("27c6a30d7c24");
        assertThat(moves(planner(SHOPPINGCART_2).upgrade("shoppingcart@head", List.of())))
                .containsExactly("+1975ea83b712", "+27c6a30d7c24", "+d747a8a8879");
    }

    @Test
    void revisionAtHeadNamesTheHeadOfTheBranchHoldingThatRevision() {
        // branches.rst: "ask for the "head of the branch that includes ae1027a6acf" as follows: --head ae10@head"
        //   and "--head=55af2cb@head"
        assertThat(SHOPPINGCART_2.resolveIds("ae10@head")).containsExactly("ae1027a6acf");
        assertThat(DEPENDS.resolveIds("55af@head")).containsExactly("55af2cb1c267");
        assertThat(DEPENDS_34.resolveIds("55af@head")).containsExactly("34e094ad6ef1");
    }

    @Test
    void labelAtHeadsNamesEveryHeadOfThatBranch() {
        // branches.rst: "The heads symbol can be combined with a branch label ... alembic upgrade shoppingcart@heads"
        assertThat(SHOPPINGCART_2.resolveIds("shoppingcart@heads")).containsExactly("d747a8a8879");
        RevisionGraph forked = RevisionGraph.of(List.of(rev("1975ea83b712"),
                labelled("27c6a30d7c24", "shoppingcart", "1975ea83b712"),
                rev("aaaa1111", "27c6a30d7c24"), rev("bbbb2222", "27c6a30d7c24"), rev("ae1027a6acf", "1975ea83b712")));
        assertThat(forked.resolveIds("shoppingcart@heads")).containsExactly("aaaa1111", "bbbb2222");
        assertKind(() -> forked.resolveOne("shoppingcart@head"), Kind.MULTIPLE_HEADS);
    }

    @Test
    void labelAtPlusNUpgradesFromTheCurrentHeadOnThatBranch() {
        // branches.rst: "upgrading to shoppingcart@+2 means to upgrade from current heads on "shoppingcart"
        //               upwards two revisions"
        assertThat(moves(planner(SHOPPINGCART_2).upgrade("shoppingcart@+2", List.of("1975ea83b712"))))
                .containsExactly("+27c6a30d7c24", "+d747a8a8879");
        Plan oneUp = planner(SHOPPINGCART_2).upgrade("shoppingcart@+1", List.of("ae1027a6acf"));
        assertThat(moves(oneUp)).containsExactly("+27c6a30d7c24");
        assertThat(oneUp.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
    }

    @Test
    void labelAtMinusNDowngradesOnlyThatBranch() {
        // branches.rst: "Relative identifiers ... work with labels too" (label@-N)
        Plan one = planner(SHOPPINGCART_2).downgrade("shoppingcart@-1", List.of("ae1027a6acf", "d747a8a8879"));
        Plan two = planner(SHOPPINGCART_2).downgrade("shoppingcart@-2", List.of("ae1027a6acf", "d747a8a8879"));

        assertThat(moves(one)).containsExactly("-d747a8a8879");
        assertThat(one.headsAfter()).containsExactly("27c6a30d7c24", "ae1027a6acf");
        assertThat(moves(two)).containsExactly("-d747a8a8879", "-27c6a30d7c24");
        assertThat(two.headsAfter()).containsExactly("ae1027a6acf");
    }

    @Test
    void labelAtRevisionOutsideTheBranchIsAResolutionError() {
        // branches.rst: "branch at" syntax: "use a specific revision ... in terms of a specific branch"
        assertThat(SHOPPINGCART_2.resolveIds("shoppingcart@d747")).containsExactly("d747a8a8879");
        assertKind(() -> planner(SHOPPINGCART_2).upgrade("shoppingcart@ae10", List.of()), Kind.RESOLUTION_ERROR);
        assertKind(() -> SHOPPINGCART_2.resolve("nolabel@head"), Kind.RESOLUTION_ERROR)
                .hasMessage("No such revision or branch 'nolabel'");
    }

    @Test
    void historyFromALabelListsThatBranch() {
        // branches.rst: "$ alembic history -r shoppingcart: / 27c6a30d7c24 -> d747a8a8879 ... /
        //               1975ea83b712 -> 27c6a30d7c24 (shoppingcart)"
        assertThat(planner(SHOPPINGCART_2).history("shoppingcart:")).extracting(Revision::id)
                .containsExactly("d747a8a8879", "27c6a30d7c24");
    }

    @Test
    void historyFromBaseToLabelHeadListsThePathFromTheBase() {
        // branches.rst: "$ alembic history -r :shoppingcart@head" -> d747a8a8879, 27c6a30d7c24, 1975ea83b712
        assertThat(planner(SHOPPINGCART_2).history(":shoppingcart@head")).extracting(Revision::id)
                .containsExactly("d747a8a8879", "27c6a30d7c24", "1975ea83b712");
        // branches.rst: "alembic history -r :shoppingcart@head-2" (the branch here is one shorter: head-1)
        assertThat(planner(SHOPPINGCART_2).history(":shoppingcart@head-1")).extracting(Revision::id)
                .containsExactly("27c6a30d7c24", "1975ea83b712");
    }

    @Test
    void historyFromLabelBaseFollowsAlembic181NotTheDocsListing() {
        // branches.rst: "$ alembic history -r shoppingcart@base:" lists ae1027a6acf too ("we get that revision
        //   in our listing as well"). Alembic 1.8.1 itself does not: d747a8a8879, 27c6a30d7c24, 1975ea83b712.
        assertThat(planner(SHOPPINGCART_2).history("shoppingcart@base:")).extracting(Revision::id)
                .containsExactly("d747a8a8879", "27c6a30d7c24", "1975ea83b712");
    }

    // ---- multiple bases and depends_on -----------------------------------------------------------

    @Test
    void labelOnABaseNamesOnlyThatRevisionNotItsHead() {
        // branches.rst: "if we only refer to networking, that refers to only 3cac04ae8714 specifically"
        assertThat(BASES.resolveIds("networking")).containsExactly("3cac04ae8714");
        assertThat(BASES.resolveIds("networking@head")).containsExactly("29f859a13ea");
        assertThat(BASES.resolve("networking@base")).isEmpty();
        assertThat(BASES.resolve("base")).isEmpty();
    }

    @Test
    void withAnIndependentBaseThereAreAlwaysSeveralHeads() {
        // branches.rst: "Once we have a new, permanent ... base in our system, we'll always have multiple heads
        //   present: $ alembic heads / 3cac04ae8714 (networking) (head) / 27c6a30d7c24 (shoppingcart) (head) /
        //   ae1027a6acf (head)"
        assertThat(BASES.heads()).containsExactly("29f859a13ea", "55af2cb1c267", "d747a8a8879");
        assertThat(BASES.bases()).containsExactly("1975ea83b712", "3cac04ae8714");
        assertKind(() -> planner(BASES).upgrade("head", List.of()), Kind.MULTIPLE_HEADS);
    }

    @Test
    void upgradeOneBaseBranchRunsOnlyThatBranch() {
        // branches.rst: "$ alembic upgrade networking@head / Running upgrade -> 3cac04ae8714 /
        //   3cac04ae8714 -> 109ec7d132bf / 109ec7d132bf -> 29f859a13ea"
        Plan plan = planner(BASES).upgrade("networking@head", List.of());

        assertThat(moves(plan)).containsExactly("+3cac04ae8714", "+109ec7d132bf", "+29f859a13ea");
        assertThat(plan.headsAfter()).containsExactly("29f859a13ea");
        assertThat(planner(BASES).history("networking@base:")).extracting(Revision::id)
                .containsExactly("29f859a13ea", "109ec7d132bf", "3cac04ae8714");
    }

    @Test
    void upgradeHeadsRunsEveryBranchOfEveryBase() {
        // branches.rst: "or against the whole thing using heads: $ alembic upgrade heads"
        Plan plan = planner(BASES).upgrade("heads", List.of());

        assertThat(moves(plan)).containsExactly("+1975ea83b712", "+27c6a30d7c24", "+d747a8a8879", "+ae1027a6acf",
                "+55af2cb1c267", "+3cac04ae8714", "+109ec7d132bf", "+29f859a13ea");
        assertThat(plan.headsAfter()).containsExactly("29f859a13ea", "55af2cb1c267", "d747a8a8879");
    }

    @Test
    void dependencyIsAnEffectiveHeadListedByHeadsButNotNamedByTheHeadsSymbol() {
        // branches.rst: "$ alembic heads / 2a95102259be (networking) (head) / 27c6a30d7c24 (shoppingcart) (head) /
        //   55af2cb1c267 (effective head)"
        assertThat(DEPENDS.heads()).containsExactly("2a95102259be", "55af2cb1c267", "d747a8a8879");
        assertThat(DEPENDS.realHeads()).containsExactly("2a95102259be", "d747a8a8879");
        assertThat(DEPENDS.resolveIds("heads")).containsExactly("2a95102259be", "d747a8a8879");
        assertKind(() -> DEPENDS.resolveOne("head"), Kind.MULTIPLE_HEADS)
                .hasMessage("Multiple heads are present for given argument 'head'; "
                        + "2a95102259be, 55af2cb1c267, d747a8a8879");
    }

    @Test
    void upgradeToADependentRevisionPullsInItsDependencyFirst() {
        // branches.rst: "the full history of the networking branch, in terms of an "upgrade" to the "head",
        //   will include that the tree building up 55af2cb1c267, add another account column will be pulled in first"
        Plan plan = planner(DEPENDS).upgrade("networking@head", List.of());

        assertThat(moves(plan)).containsExactly("+1975ea83b712", "+ae1027a6acf", "+55af2cb1c267",
                "+3cac04ae8714", "+109ec7d132bf", "+29f859a13ea", "+2a95102259be");
        assertThat(plan.headsAfter()).containsExactly("2a95102259be");
        assertThat(planner(DEPENDS).history(":networking@head")).extracting(Revision::id)
                .containsExactly("2a95102259be", "29f859a13ea", "109ec7d132bf", "3cac04ae8714",
                        "55af2cb1c267", "ae1027a6acf", "1975ea83b712");
    }

    @Test
    void dependencyWithoutOwnBranchIsNotAVersionTableRow() {
        // branches.rst: "if we were to upgrade all versions to the top, the 55af2cb1c267 revision number would
        //   not actually be present in the alembic_version table" ... "$ alembic upgrade heads / Running upgrade
        //   29f859a13ea, 55af2cb1c267 -> 2a95102259be" ... "$ alembic current / 2a95102259be (head) /
        //   27c6a30d7c24 (head)"
        Plan plan = planner(DEPENDS).upgrade("heads", List.of());

        assertThat(moves(plan)).containsExactly("+1975ea83b712", "+ae1027a6acf", "+55af2cb1c267", "+27c6a30d7c24",
                "+d747a8a8879", "+3cac04ae8714", "+109ec7d132bf", "+29f859a13ea", "+2a95102259be");
        assertThat(plan.headsAfter()).containsExactly("2a95102259be", "d747a8a8879");
        Plan fromTwoRows = planner(DEPENDS).upgrade("2a95", List.of("29f859a13ea", "55af2cb1c267"));
        assertThat(moves(fromTwoRows)).containsExactly("+2a95102259be");
        assertThat(fromTwoRows.headsAfter()).containsExactly("2a95102259be");
    }

    @Test
    void revisionOnTopOfADependencyMakesItARealBranchWithItsOwnRow() {
        // branches.rst: "If we add a new revision onto 55af2cb1c267, the branch again becomes a "real" branch
        //   which can have its own entry in the database: ... $ alembic upgrade heads / Running upgrade
        //   55af2cb1c267 -> 34e094ad6ef1 / $ alembic current / 2a95102259be / 27c6a30d7c24 / 34e094ad6ef1"
        Plan plan = planner(DEPENDS_34).upgrade("heads", List.of("2a95102259be", "d747a8a8879"));

        assertThat(moves(plan)).containsExactly("+34e094ad6ef1");
        assertThat(plan.steps().get(0).versionChanges()).containsExactly(new Insert("34e094ad6ef1"));
        assertThat(plan.headsAfter()).containsExactly("2a95102259be", "34e094ad6ef1", "d747a8a8879");
        assertThat(DEPENDS_34.heads()).containsExactly("2a95102259be", "d747a8a8879", "34e094ad6ef1");
    }

    @Test
    void downgradingABranchToItsBaseLeavesItsDependenciesInPlace() {
        // branches.rst: "If we downgraded all the files in networking using networking@base, the dependencies
        //   aren't affected, they're left in place."
        Plan plan = planner(DEPENDS).downgrade("networking@base", List.of("2a95102259be", "d747a8a8879"));

        assertThat(moves(plan)).containsExactly("-2a95102259be", "-29f859a13ea", "-109ec7d132bf", "-3cac04ae8714");
        assertThat(plan.headsAfter()).containsExactly("55af2cb1c267", "d747a8a8879");
    }

    @Test
    void downgradingADependencyFirstDowngradesWhatDependsOnIt() {
        // branches.rst ("merge mechanics"): "each "node" is a point that cannot be crossed until all of its
        //   dependencies are satisfied" - so 2a95102259be (depends_on 55af2cb1c267) goes before 55af2cb1c267
        Plan plan = planner(DEPENDS_34).downgrade("ae1027a6acf", List.of("2a95102259be", "34e094ad6ef1", "d747a8a8879"));

        assertThat(moves(plan)).containsExactly("-2a95102259be", "-34e094ad6ef1", "-55af2cb1c267");
        assertThat(plan.headsAfter()).containsExactly("29f859a13ea", "ae1027a6acf", "d747a8a8879");
        Plan justTheChild = planner(DEPENDS_34).downgrade("55af2cb1c267",
                List.of("2a95102259be", "34e094ad6ef1", "d747a8a8879"));
        assertThat(moves(justTheChild)).containsExactly("-34e094ad6ef1");
        assertThat(justTheChild.headsAfter()).containsExactly("2a95102259be", "d747a8a8879");
    }

    @Test
    void downgradeMinusOneWithADependentRowKeepsTheDependencyAsARow() {
        // branches.rst: the dependency "does not have a branch of its own subsequent to the 2a95102259be revision
        //   which depends on it" - once 2a95102259be is gone, 55af2cb1c267 must be recorded again
        Plan plan = planner(DEPENDS).downgrade("-1", List.of("2a95102259be", "d747a8a8879"));

        assertThat(moves(plan)).containsExactly("-2a95102259be");
        assertThat(plan.headsAfter()).containsExactly("29f859a13ea", "55af2cb1c267", "d747a8a8879");
    }

    @Test
    void historyFromADependentBranchBaseFollowsAlembic181NotTheDocsListing() {
        // branches.rst: "Interestingly, we don't see this displayed when we display history in the other
        //   direction, e.g. from networking@base" (lists only the four networking revisions). Alembic 1.8.1
        //   itself lists the dependency's line too.
        assertThat(planner(DEPENDS).history("networking@base:")).extracting(Revision::id)
                .containsExactly("2a95102259be", "29f859a13ea", "109ec7d132bf", "3cac04ae8714",
                        "55af2cb1c267", "ae1027a6acf", "1975ea83b712");
    }

    // ---- what the commands say -----------------------------------------------------------------

    /**
     * Alembic's commands ({@code ScriptDirectory._catch_revision_errors}) reword the revision
     * map's errors; {@link MigrationPlanner} does the same (the differential corpus compares
     * error classes only). Where there are several heads, the message also names them.
     */
    @Nested
    class CommandMessages {

        @Test
        void upgradeHeadWithSeveralHeadsSaysWhatToDoInstead() {
            // branches.rst: "$ alembic upgrade head / FAILED: Multiple head revisions are present for given argument
            //   'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific
            //   head, or 'heads' for all heads"
            assertKind(() -> planner(BRANCH).upgrade("head", List.of()), Kind.MULTIPLE_HEADS)
                    .hasMessage("Multiple head revisions are present for given argument 'head'; please specify a "
                            + "specific target revision, '<branchname>@head' to narrow to a specific head, or "
                            + "'heads' for all heads (the heads: 27c6a30d7c24, ae1027a6acf)");
        }

        @Test
        void unknownRevisionInTheVersionTableSaysCantLocateRevision() {
            // seed 001: "**"Can't locate revision"** - Check alembic_version table ... Remove invalid entries
            //   manually if needed". Alembic 1.8.1: "Can't locate revision identified by 'deadbeef0000'"
            assertKind(() -> planner(SEED_003).upgrade("head", List.of("deadbeef0000")), Kind.RESOLUTION_ERROR)
                    .hasMessage("Can't locate revision identified by 'deadbeef0000'");
        }

        @Test
        void unknownDestinationSaysCantLocateRevision() {
            // seed 002/003: "alembic upgrade <revision_id>"; Alembic 1.8.1 for an unknown one:
            //   "Can't locate revision identified by 'zzzz'"
            assertKind(() -> planner(SEED_003).upgrade("zzzz", List.of()), Kind.RESOLUTION_ERROR)
                    .hasMessage("Can't locate revision identified by 'zzzz'");
        }

        @Test
        void downgradeToARevisionAboveTheCurrentOneSaysNotAValidDowngradeTarget() {
            // seed 003: "alembic downgrade <revision_id>"; Alembic 1.8.1: "Destination ecf5acd6708d is not a
            //   valid downgrade target from current head(s)"
            assertKind(() -> planner(SEED_003).downgrade("ecf5acd6708d", List.of("2d12193b6184")),
                    Kind.RANGE_NOT_ANCESTOR)
                    .hasMessage("Destination ecf5acd6708d is not a valid downgrade target from current head(s)");
        }

        @Test
        void historyRangeNotAlongOneBranchSaysSo() {
            // seed 001/003: "alembic history"; Alembic 1.8.1: "Requested range 3cfc:360b does not refer to
            //   ancestor/descendant revisions along the same branch"
            assertKind(() -> planner(SEED_003).history("3cfc:360b"), Kind.RANGE_NOT_ANCESTOR)
                    .hasMessage("Requested range 3cfc:360b does not refer to ancestor/descendant revisions "
                            + "along the same branch");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Revision rev(String id, String... downRevisions) {
        return Revision.of(id, List.of(downRevisions), List.of(), List.of());
    }

    private static Revision labelled(String id, String label, String... downRevisions) {
        return Revision.of(id, List.of(downRevisions), List.of(label), List.of());
    }

    private static List<Revision> concat(List<Revision> revisions, Revision more) {
        List<Revision> out = new ArrayList<>(revisions);
        out.add(more);
        return out;
    }

    private static MigrationPlanner planner(RevisionGraph graph) {
        return new MigrationPlanner(graph);
    }

    /** The steps as {@code +id} (upgrade) or {@code -id} (downgrade), in order. */
    private static List<String> moves(Plan plan) {
        return plan.steps().stream()
                .map(s -> (s.direction() == Direction.UPGRADE ? "+" : "-") + s.revision().id())
                .toList();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertKind(ThrowingCallable call, Kind kind) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(RevisionGraphException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }
}
