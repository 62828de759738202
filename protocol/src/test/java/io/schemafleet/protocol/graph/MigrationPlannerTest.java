package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.graph.VersionTableChange.Delete;
import io.schemafleet.protocol.graph.VersionTableChange.Insert;
import io.schemafleet.protocol.graph.VersionTableChange.Update;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationPlannerTest {
    /** a1 -> a2 and a1 -> b1 (labelled side), merged by m1; p1 is a second base. */
    private static final List<Revision> REVISIONS = List.of(
            new Revision("a1", List.of(), List.of(), List.of(), "first", true, "CREATE TABLE a1 ();", "DROP TABLE a1;"),
            new Revision("a2", List.of("a1"), List.of(), List.of(), "second", true, "UP a2", "DOWN a2"),
            new Revision("b1", List.of("a1"), List.of("side"), List.of(), "side", true, "UP b1", "DOWN b1"),
            new Revision("m1", List.of("a2", "b1"), List.of(), List.of(), "merge", true, "", ""),
            new Revision("p1", List.of(), List.of("perf"), List.of(), "perf", true, "UP p1", "DOWN p1"));

    private final MigrationPlanner planner = new MigrationPlanner(RevisionGraph.of(REVISIONS));

    @Test
    void upgradingANewBaseInsertsARow() {
        assertThat(planner.changesFor("a1", Direction.UPGRADE, List.of())).containsExactly(new Insert("a1"));
        assertThat(planner.changesFor("p1", Direction.UPGRADE, List.of("a2"))).containsExactly(new Insert("p1"));
    }

    @Test
    void movingAlongABranchUpdatesTheRow() {
        assertThat(planner.changesFor("a2", Direction.UPGRADE, List.of("a1")))
                .containsExactly(new Update("a1", "a2"));
        assertThat(planner.changesFor("a2", Direction.DOWNGRADE, List.of("a2")))
                .containsExactly(new Update("a2", "a1"));
    }

    @Test
    void upgradingABranchPointWhoseParentIsNotARowInserts() {
        // given: a2 is applied, so a1 is no longer a row; b1 starts a second row
        assertThat(planner.changesFor("b1", Direction.UPGRADE, List.of("a2"))).containsExactly(new Insert("b1"));
    }

    @Test
    void mergeDeletesOneParentRowAndUpdatesTheOther() {
        assertThat(planner.changesFor("m1", Direction.UPGRADE, List.of("a2", "b1")))
                .containsExactly(new Delete("a2"), new Update("b1", "m1"));
    }

    @Test
    void unmergingDowngradeInsertsOneParentAndUpdatesToTheOther() {
        assertThat(planner.changesFor("m1", Direction.DOWNGRADE, List.of("m1")))
                .containsExactly(new Insert("a2"), new Update("m1", "b1"));
    }

    @Test
    void downgradingABaseDeletesItsRow() {
        assertThat(planner.changesFor("p1", Direction.DOWNGRADE, List.of("a2", "p1")))
                .containsExactly(new Delete("p1"));
    }

    @Test
    void changesAppliedToRowsGiveTheRowsAfterTheStep() {
        List<String> rows = List.of("a2", "b1");
        List<VersionTableChange> merge = planner.changesFor("m1", Direction.UPGRADE, rows);
        assertThat(VersionTableChange.applyAll(rows, merge)).containsExactly("m1");
        List<VersionTableChange> unmerge = planner.changesFor("m1", Direction.DOWNGRADE, List.of("m1"));
        assertThat(VersionTableChange.applyAll(List.of("m1"), unmerge)).containsExactlyInAnyOrder("a2", "b1");
        assertThat(VersionTableChange.applyAll(List.of("a2"), List.of(new Insert("p1"), new Delete("a2"))))
                .containsExactly("p1");
    }

    @Test
    void changesForAnUnknownRevisionOrALabelIsAResolutionError() {
        assertThatThrownBy(() -> planner.changesFor("zz99", Direction.UPGRADE, List.of()))
                .isInstanceOfSatisfying(RevisionGraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.RESOLUTION_ERROR))
                .hasMessageContaining("zz99");
        assertThatThrownBy(() -> planner.changesFor("side", Direction.UPGRADE, List.of("a1")))
                .isInstanceOfSatisfying(RevisionGraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.RESOLUTION_ERROR));
    }

    @Test
    void stepRunsTheSectionOfItsDirection() {
        // given
        Revision a1 = REVISIONS.get(0);

        // then
        assertThat(new Step(a1, Direction.UPGRADE, List.of()).sql()).isEqualTo("CREATE TABLE a1 ();");
        assertThat(new Step(a1, Direction.DOWNGRADE, List.of()).sql()).isEqualTo("DROP TABLE a1;");
    }

    @Test
    void plannedStepsCarryTheirSqlAndRowChanges() {
        // when
        Plan up = planner.upgrade("a2", List.of());
        Plan down = planner.downgrade("base", List.of("a2"));

        // then
        assertThat(up.steps()).extracting(Step::sql).containsExactly("CREATE TABLE a1 ();", "UP a2");
        assertThat(up.steps()).extracting(Step::versionChanges)
                .containsExactly(List.of(new Insert("a1")), List.of(new Update("a1", "a2")));
        assertThat(up.headsAfter()).containsExactly("a2");
        assertThat(down.steps()).extracting(Step::sql).containsExactly("DOWN a2", "DROP TABLE a1;");
        assertThat(down.headsAfter()).isEmpty();
    }
}
