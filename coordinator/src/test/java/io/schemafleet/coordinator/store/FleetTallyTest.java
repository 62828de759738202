package io.schemafleet.coordinator.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FleetTallyTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @Test
    void convergedTenantsOutsideTheirHeadsMajorityAreDrifted() {
        FleetTally tally = FleetTally.of(List.of(
                new FleetTally.Group("applying", "0001_x", null, 4),
                new FleetTally.Group("converged", "0002_y", A, 5),
                new FleetTally.Group("converged", "0002_y", B, 2),
                new FleetTally.Group("failed", "0002_y", B, 3)), "0002_y");
        assertThat(tally.byState()).containsExactly(Map.entry("applying", 4L), Map.entry("converged", 5L),
                Map.entry("drifted", 2L), Map.entry("failed", 3L));
        assertThat(tally.byHeads()).containsExactly(Map.entry("0001_x", 4L), Map.entry("0002_y", 10L));
        assertThat(tally.tenants()).isEqualTo(14);
        assertThat(tally.converged()).as("drifted tenants are at the destination's heads too").isEqualTo(7);
    }

    @Test
    void aTieNamesNoMajorityAndOnlyConvergedTenantsVote() {
        FleetTally tally = FleetTally.of(List.of(
                new FleetTally.Group("converged", "0002_y", A, 2),
                new FleetTally.Group("converged", "0002_y", B, 2),
                new FleetTally.Group("failed", "0002_y", A, 9),
                new FleetTally.Group("converged", "", null, 1)), null);
        assertThat(tally.byState()).containsExactly(Map.entry("converged", 5L), Map.entry("failed", 9L));
        assertThat(tally.byHeads()).containsEntry("base", 1L);
        assertThat(tally.converged()).as("no destination").isZero();
    }
}
