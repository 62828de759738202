package io.schemafleet.coordinator.rollout;

import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How rollouts and pins record a destination: fixed ones by a whole id, names as written. */
class RecordedDestinationTest {
    private static final RevisionGraph GRAPH = RevisionGraph.of(List.of(
            rev("aaaa1111", List.of(), List.of("perf")),
            rev("bbbb2222", List.of("aaaa1111"), List.of()),
            rev("cccc3333", List.of("bbbb2222"), List.of())));

    @Test
    void aRevisionNamedByAPrefixOrACountFromOneIsRecordedWhole() {
        assertThat(RolloutService.canonical(GRAPH, "bbbb")).isEqualTo("bbbb2222");
        assertThat(RolloutService.canonical(GRAPH, "cccc3333")).isEqualTo("cccc3333");
        assertThat(RolloutService.canonical(GRAPH, "aaaa+1")).isEqualTo("bbbb2222");
        assertThat(RolloutService.canonical(GRAPH, "cccc-2")).isEqualTo("aaaa1111");
    }

    @Test
    void namesAreKeptAsWritten() {
        for (String name : List.of("head", "heads", "perf@head", "base", "perf")) {
            assertThat(RolloutService.canonical(GRAPH, name)).isEqualTo(name);
        }
        assertThat(MigrationPlanner.namesHeads("perf@head")).isTrue();
        assertThat(MigrationPlanner.namesHeads("perf")).isFalse();
    }

    private static Revision rev(String id, List<String> down, List<String> labels) {
        return new Revision(id, down, labels, List.of(), "revision " + id, true, "SELECT 1;", "SELECT 1;");
    }
}
