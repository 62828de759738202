package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevisionGraphTest {
    /** a1 -> a2 -> a3, a1 -> b1 (label side); p1 -> p2 where p2 depends on a2; s1 -> s2 depends on side. */
    private static final RevisionGraph GRAPH = RevisionGraph.of(List.of(
            Revision.of("a1", List.of(), List.of(), List.of()),
            Revision.of("a2", List.of("a1"), List.of(), List.of()),
            Revision.of("a3", List.of("a2"), List.of(), List.of()),
            Revision.of("b1", List.of("a1"), List.of("side"), List.of()),
            Revision.of("p1", List.of(), List.of("perf"), List.of()),
            Revision.of("p2", List.of("p1"), List.of(), List.of("a2")),
            Revision.of("s1", List.of(), List.of(), List.of()),
            Revision.of("s2", List.of("s1"), List.of(), List.of("side"))));

    @Test
    void appliedRevisionsAreTheHeadsAndTheirAncestors() {
        assertThat(GRAPH.appliedRevisions(List.of("a3"))).containsExactlyInAnyOrder("a1", "a2", "a3");
        assertThat(GRAPH.appliedRevisions(List.of("a2", "b1"))).containsExactlyInAnyOrder("a1", "a2", "b1");
        assertThat(GRAPH.appliedRevisions(List.of())).isEmpty();
    }

    @Test
    void appliedRevisionsFollowDependsOn() {
        // p2 depends on a2 (an id); s2 depends on side (a label naming b1)
        assertThat(GRAPH.appliedRevisions(List.of("p2"))).containsExactlyInAnyOrder("p1", "p2", "a1", "a2");
        assertThat(GRAPH.appliedRevisions(List.of("s2"))).containsExactlyInAnyOrder("s1", "s2", "b1", "a1");
    }

    @Test
    void appliedRevisionsRefuseUnknownIdsAndLabels() {
        assertThatThrownBy(() -> GRAPH.appliedRevisions(List.of("a3", "zz99")))
                .isInstanceOfSatisfying(RevisionGraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.RESOLUTION_ERROR))
                .hasMessageContaining("zz99");
        assertThatThrownBy(() -> GRAPH.appliedRevisions(List.of("perf")))
                .isInstanceOfSatisfying(RevisionGraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.RESOLUTION_ERROR));
    }
}
