package io.schemafleet.coordinator.publish;

import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FleetMoveNoteTest {
    private static final Revision A = Revision.of("aa0000000001", List.of(), List.of(), List.of());
    private static final Revision B = Revision.of("bb0000000002", List.of("aa0000000001"), List.of(), List.of());
    /** B's replacement: B fails everywhere and a published revision never changes. */
    private static final Revision C = Revision.of("cc0000000003", List.of("aa0000000001"), List.of(), List.of());
    private static final Revision D = Revision.of("dd0000000004", List.of("bb0000000002"), List.of(), List.of());

    @Test
    void aPublishThatAddsAHeadUnderAFixedDestinationSaysHeadNoLongerNamesOne() {
        String note = FleetMoveNote.of(fleetAt("bb0000000002"), RevisionGraph.of(List.of(A, B)),
                RevisionGraph.of(List.of(A, B, C)));

        assertThat(note).isEqualTo("the published revisions now have 2 heads (bb0000000002,cc0000000003): head names"
                + " no single revision, so a rollout must name one (rollout start --to <id>), or a merge revision join"
                + " them (schemafleet merge)");
    }

    @Test
    void aPublishOnTheOneHeadSaysNothing() {
        assertThat(FleetMoveNote.of(fleetAt("bb0000000002"), RevisionGraph.of(List.of(A, B)),
                RevisionGraph.of(List.of(A, B, D)))).isNull();
        assertThat(FleetMoveNote.of(Optional.empty(), RevisionGraph.of(List.of(A)), RevisionGraph.of(List.of(A, B))))
                .isNull();
    }

    @Test
    void aFirstPublishWithBranchesSaysNothing() {
        // Branches published from the start are the author's design, not a replacement gone sideways.
        assertThat(FleetMoveNote.of(Optional.empty(), RevisionGraph.of(List.of()), RevisionGraph.of(List.of(A, B, C))))
                .isNull();
    }

    @Test
    void aFloatingDestinationsNoteComesFirst() {
        String note = FleetMoveNote.of(fleetAt("head"), RevisionGraph.of(List.of(A, B)),
                RevisionGraph.of(List.of(A, B, C)));

        assertThat(note).startsWith("the fleet's rollout r-1 goes to head, which no longer resolves to one place");
    }

    private static Optional<FleetQueries.Destination> fleetAt(String destination) {
        return Optional.of(new FleetQueries.Destination(destination, "r-1"));
    }
}
