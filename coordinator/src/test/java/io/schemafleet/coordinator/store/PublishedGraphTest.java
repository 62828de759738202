package io.schemafleet.coordinator.store;

import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What "at the destination" means for the fleet view: the version table of a fresh tenant brought there. */
class PublishedGraphTest {
    private static final RevisionGraph TWO_BRANCHES = RevisionGraph.of(List.of(
            Revision.of("a1", List.of(), List.of(), List.of()),
            Revision.of("a2", List.of("a1"), List.of(), List.of()),
            Revision.of("b1", List.of(), List.of("audit"), List.of())));

    @Test
    void headsAtNamedDestinations() {
        assertThat(PublishedGraph.headsAt(TWO_BRANCHES, "heads")).containsExactlyInAnyOrder("a2", "b1");
        assertThat(PublishedGraph.headsAt(TWO_BRANCHES, "audit@head")).containsExactly("b1");
        assertThat(PublishedGraph.headsAt(TWO_BRANCHES, "a1")).containsExactly("a1");
        assertThat(PublishedGraph.headsAt(TWO_BRANCHES, "base")).isEmpty();
    }

    @Test
    void refusesDestinationsThatDoNotResolve() {
        assertThatThrownBy(() -> PublishedGraph.headsAt(TWO_BRANCHES, "head"))
                .isInstanceOfSatisfying(RevisionGraphException.class,
                        e -> assertThat(e.kind()).isEqualTo(RevisionGraphException.Kind.MULTIPLE_HEADS));
        assertThatThrownBy(() -> PublishedGraph.headsAt(TWO_BRANCHES, "zz9"))
                .isInstanceOf(RevisionGraphException.class);
    }

    @Test
    void rowsListsRoundTrip() {
        RevisionRow row = new RevisionRow("m1", 3, "a2,b1", "", "audit", "merge", true, "", "", "x", null, "e");
        assertThat(row.revision().downRevisions()).containsExactly("a2", "b1");
        assertThat(row.revision().branchLabels()).isEmpty();
        assertThat(row.revision().dependsOn()).containsExactly("audit");
    }
}
