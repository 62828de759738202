package io.schemafleet.agent.apply;

import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.graph.Step;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationPlannerTest {
    /** main: a1 -> a2 -> a3; perf: p1 -> p2. Heads a3 and p2. */
    private static final RevisionGraph TWO_BRANCHES = RevisionGraph.of(List.of(
            Revision.of("a1", List.of(), List.of("main"), List.of()),
            Revision.of("a2", List.of("a1"), List.of(), List.of()),
            Revision.of("a3", List.of("a2"), List.of(), List.of()),
            Revision.of("p1", List.of(), List.of("perf"), List.of()),
            Revision.of("p2", List.of("p1"), List.of(), List.of())));

    /** A single line: a1 -> a2 -> a3. */
    private static final RevisionGraph LINE = RevisionGraph.of(List.of(
            Revision.of("a1", List.of(), List.of(), List.of()),
            Revision.of("a2", List.of("a1"), List.of(), List.of()),
            Revision.of("a3", List.of("a2"), List.of(), List.of())));

    private final DestinationPlanner planner = new DestinationPlanner(new MigrationPlanner(TWO_BRANCHES));
    private final DestinationPlanner linePlanner = new DestinationPlanner(new MigrationPlanner(LINE));

    @Test
    void upgradesWhenThereAreStepsUp() {
        // when
        Plan plan = planner.plan("a3", List.of("a1"));

        // then
        assertThat(ids(plan)).containsExactly("a2", "a3");
        assertThat(plan.steps()).extracting(Step::direction).containsOnly(Direction.UPGRADE);
        assertThat(plan.headsAfter()).containsExactly("a3");
    }

    @Test
    void downgradesToAnAncestor() {
        // when
        Plan plan = planner.plan("a1", List.of("a3", "p2"));

        // then
        assertThat(ids(plan)).containsExactly("a3", "a2");
        assertThat(plan.steps()).extracting(Step::direction).containsOnly(Direction.DOWNGRADE);
        assertThat(plan.headsAfter()).containsExactly("a1", "p2");
    }

    @Test
    void headsAtHeadsIsNothingToDoAndNeverADowngrade() {
        // downgrade("heads") with two heads would fail with MultipleHeads
        assertThat(planner.plan("heads", List.of("a3", "p2")).steps()).isEmpty();
        assertThat(planner.plan("main@head", List.of("a3", "p2")).steps()).isEmpty();
        assertThat(planner.plan("perf@head", List.of("a3", "p2")).steps()).isEmpty();
        assertThat(linePlanner.plan("head", List.of("a3")).steps()).isEmpty();
        assertThat(linePlanner.plan("heads", List.of("a3")).headsAfter()).containsExactly("a3");
    }

    @Test
    void headsFromBelowUpgrade() {
        // when
        Plan plan = planner.plan("perf@head", List.of("a3"));

        // then
        assertThat(ids(plan)).containsExactly("p1", "p2");
        assertThat(plan.steps()).extracting(Step::direction).containsOnly(Direction.UPGRADE);
        assertThat(linePlanner.plan("head", List.of("a1")).steps()).extracting(Step::direction)
                .containsExactly(Direction.UPGRADE, Direction.UPGRADE);
    }

    @Test
    void destinationAtTheCurrentHeadIsAnEmptyPlan() {
        // when
        Plan plan = linePlanner.plan("a2", List.of("a2"));

        // then
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.headsAfter()).containsExactly("a2");
    }

    @Test
    void baseFromHeadsDowngradesEverything() {
        // when
        Plan plan = planner.plan("base", List.of("a3", "p2"));

        // then
        assertThat(ids(plan)).containsExactlyInAnyOrder("a3", "a2", "a1", "p2", "p1");
        assertThat(ids(plan)).containsSubsequence("a3", "a2", "a1").containsSubsequence("p2", "p1");
        assertThat(plan.steps()).extracting(Step::direction).containsOnly(Direction.DOWNGRADE);
        assertThat(plan.headsAfter()).isEmpty();
    }

    @Test
    void unknownDestinationIsAGraphError() {
        assertThatThrownBy(() -> planner.plan("zz99", List.of("a3")))
                .isInstanceOf(RevisionGraphException.class)
                .hasMessageContaining("zz99");
    }

    private static List<String> ids(Plan plan) {
        return plan.steps().stream().map(s -> s.revision().id()).toList();
    }
}
