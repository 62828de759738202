package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class GraphCheckTest {

    private static Revision rev(String id, List<String> down) {
        return Revision.of(id, down, List.of(), List.of());
    }

    @Test
    void cleanGraphHasNoProblems() {
        // given: two bases, a merge, labels, depends_on on an id and on a label
        List<Revision> revisions = List.of(
                Revision.of("a1", List.of(), List.of("main"), List.of()),
                rev("a2", List.of("a1")),
                Revision.of("b1", List.of("a1"), List.of("side"), List.of()),
                rev("m1", List.of("a2", "b1")),
                Revision.of("p1", List.of(), List.of("perf"), List.of("a2")),
                Revision.of("p2", List.of("p1"), List.of(), List.of("side")));

        // then
        assertThat(GraphCheck.check(revisions)).isEmpty();
        assertThat(GraphCheck.check(List.of())).isEmpty();
    }

    @Test
    void reportsEveryStructuralProblemWithItsRevisionAndHeader() {
        // given: one of each problem, in one set
        List<Revision> revisions = List.of(
                Revision.of("a1", List.of(), List.of("main"), List.of()),
                rev("a1", List.of()),                                             // duplicate id
                Revision.of("b1", List.of("a1"), List.of("main"), List.of()),     // label used twice
                Revision.of("c1", List.of("a1"), List.of("b1"), List.of()),       // label equal to an id
                rev("d1", List.of("nowhere")),                                    // unknown parent
                Revision.of("e1", List.of("a1"), List.of(), List.of("ghost")),    // unknown depends_on
                Revision.of("f1", List.of("a1"), List.of(), List.of("b1", "main"))); // known: fine

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems)
                .extracting(GraphProblem::revision, GraphProblem::header, GraphProblem::kind)
                .containsExactlyInAnyOrder(
                        tuple("a1", "revision", Kind.REVISION_ERROR),
                        tuple("b1", "branch_labels", Kind.REVISION_ERROR),
                        tuple("c1", "branch_labels", Kind.REVISION_ERROR),
                        tuple("d1", "down_revision", Kind.REVISION_ERROR),
                        tuple("e1", "depends_on", Kind.REVISION_ERROR));
        assertThat(problems).filteredOn(p -> p.revision().equals("b1")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("'main'").contains("a1"));
        assertThat(problems).filteredOn(p -> p.revision().equals("d1")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("nowhere"));
        assertThat(problems).filteredOn(p -> p.revision().equals("e1")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("ghost"));
    }

    @Test
    void reportsACycleAlongWithTheOtherProblemsNotAfterThemAreFixed() {
        // given: a1 <-> b2 is a cycle; g7 takes c3's branch label; h8 has an unknown parent
        List<Revision> revisions = List.of(
                rev("a1", List.of("b2")),
                rev("b2", List.of("a1")),
                Revision.of("c3", List.of(), List.of("x"), List.of()),
                Revision.of("g7", List.of("c3"), List.of("x"), List.of()),
                rev("h8", List.of("nowhere")));

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems).extracting(GraphProblem::revision, GraphProblem::kind).containsExactlyInAnyOrder(
                tuple("g7", Kind.REVISION_ERROR), tuple("h8", Kind.REVISION_ERROR),
                tuple("a1", Kind.CYCLE_DETECTED), tuple("b2", Kind.CYCLE_DETECTED));
    }

    @Test
    void aCycleIsFoundBesideADuplicateIdWhoseLabelIsDependedOn() {
        // given: d1 twice, the second copy carrying label "lbl" that e1 depends on; c1 <-> c2 a cycle
        List<Revision> revisions = List.of(
                rev("d1", List.of()),
                Revision.of("d1", List.of(), List.of("lbl"), List.of()),
                Revision.of("e1", List.of("d1"), List.of(), List.of("lbl")),
                rev("c1", List.of("c2")),
                rev("c2", List.of("c1")));

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems).extracting(GraphProblem::revision, GraphProblem::kind).containsExactlyInAnyOrder(
                tuple("d1", Kind.REVISION_ERROR), tuple("c1", Kind.CYCLE_DETECTED), tuple("c2", Kind.CYCLE_DETECTED));
    }

    @Test
    void reportsEachUnknownReferenceOfOneRevision() {
        // given
        List<Revision> revisions = List.of(
                rev("a1", List.of()),
                Revision.of("m1", List.of("a1", "x1", "x2"), List.of(), List.of("y1", "a1", "y2")));

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems).extracting(GraphProblem::header)
                .containsExactlyInAnyOrder("down_revision", "down_revision", "depends_on", "depends_on");
        assertThat(problems).allSatisfy(p -> assertThat(p.revision()).isEqualTo("m1"));
    }

    @Test
    void reportsACycleWithEveryMember() {
        // given: r1 is a fine base; c1 -> c3 -> c2 -> c1 is a cycle
        List<Revision> revisions = List.of(
                rev("r1", List.of()),
                rev("c1", List.of("c3")),
                rev("c2", List.of("c1")),
                rev("c3", List.of("c2")));

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems)
                .extracting(GraphProblem::revision, GraphProblem::header, GraphProblem::kind)
                .containsExactlyInAnyOrder(
                        tuple("c1", "down_revision", Kind.CYCLE_DETECTED),
                        tuple("c2", "down_revision", Kind.CYCLE_DETECTED),
                        tuple("c3", "down_revision", Kind.CYCLE_DETECTED));
    }

    @Test
    void reportsACycleWithoutAnyBase() {
        // given
        List<Revision> revisions = List.of(rev("c1", List.of("c2")), rev("c2", List.of("c1")));

        // then
        assertThat(GraphCheck.check(revisions))
                .extracting(GraphProblem::revision, GraphProblem::kind)
                .containsExactlyInAnyOrder(tuple("c1", Kind.CYCLE_DETECTED), tuple("c2", Kind.CYCLE_DETECTED));
    }

    @Test
    void reportsADependencyCycleUnderDependsOn() {
        // given: d1 and d2 depend on each other; t1 is an ordinary head
        List<Revision> revisions = List.of(
                rev("r1", List.of()),
                Revision.of("d1", List.of("r1"), List.of(), List.of("d2")),
                Revision.of("d2", List.of("r1"), List.of(), List.of("d1")),
                rev("t1", List.of("r1")));

        // when
        List<GraphProblem> problems = GraphCheck.check(revisions);

        // then
        assertThat(problems)
                .extracting(GraphProblem::revision, GraphProblem::header, GraphProblem::kind)
                .containsExactlyInAnyOrder(
                        tuple("d1", "depends_on", Kind.DEPENDENCY_CYCLE_DETECTED),
                        tuple("d2", "depends_on", Kind.DEPENDENCY_CYCLE_DETECTED));
    }
}
