package io.schemafleet.coordinator.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    @Test
    void showsTheFleetTowardItsDestinationWithCountsByState() {
        FleetView view = new FleetView("head", "r-1", null, List.of("c8626eb4ecaa"), 40, 30,
                Map.of("converged", 30L, "applying", 8L, "failed", 2L), Map.of(), 2, 0);

        assertThat(ProgressBar.render(view, 100, 12.34)).isEqualTo(
                "[#########.....................]   30/100 at head  30%  converged 30, applying 8, failed 2"
                        + "  | 60 not reported  12.3 s");
    }

    @Test
    void aTenantAddedByHandCountsInTheTotal() {
        FleetView view = new FleetView("head", "r-1", "running", List.of("c8626eb4ecaa"), 13, 13, Map.of("converged", 13L),
                Map.of("c8626eb4ecaa", 13L), 2, 0);

        assertThat(ProgressBar.render(view, 12, 1)).startsWith("[" + "#".repeat(30) + "]   13/13 at head 100%");
        assertThat(view.allConverged(12)).isTrue();
    }

    @Test
    void aCoordinatorWithoutRolloutStatesNeverReadsAsHalted() throws Exception {
        FleetView view = FleetView.of(new ObjectMapper().readTree("""
                {"destination":"head","rollout":"r-1","destination_heads":["c8626eb4ecaa"],"tenants":1,"converged":0,
                 "by_state":{"failed":1},"by_heads":{},"agents":1,"poison_records":0}"""));

        assertThat(view.rolloutState()).isNull();
        assertThat(view.halted()).isFalse();
    }

    @Test
    void aTenantHeldAtAPinElsewhereCountsAsWhereItIsMeantToBe() {
        FleetView view = new FleetView("head", "r-1", "completed", List.of("c8626eb4ecaa"), 10, 9,
                Map.of("converged", 10L), Map.of("c8626eb4ecaa", 9L, "5e656b9e303b", 1L), 1, 1);

        assertThat(view.allConverged(10)).isTrue();
        assertThat(ProgressBar.render(view, 10, 1.5)).isEqualTo("[" + "#".repeat(30) + "]   10/10 at head 100%"
                + "  converged 10  | 1 pinned elsewhere  1.5 s");
        FleetView unpinned = new FleetView("head", "r-1", "completed", List.of("c8626eb4ecaa"), 10, 9,
                Map.of("converged", 10L), Map.of("c8626eb4ecaa", 9L, "5e656b9e303b", 1L), 1, 0);
        assertThat(unpinned.allConverged(10)).as("the same tenant, not pinned, is behind").isFalse();
    }

    @Test
    void beforeAnyRolloutNothingIsConverged() {
        FleetView view = new FleetView(null, null, null, List.of(), 0, 0, Map.of(), Map.of(), 0, 0);

        assertThat(ProgressBar.render(view, 12, 0)).isEqualTo(
                "[" + ".".repeat(30) + "]    0/12 at (no rollout yet)   0%  | 12 not reported  0.0 s");
        assertThat(view.allConverged(12)).isFalse();
        assertThat(ProgressBar.render(view, 1, 0)).as("watch's default: waiting for a first tenant, not a missing one")
                .isEqualTo("[" + ".".repeat(30) + "]    0/1 at (no rollout yet)   0%  | no tenant has reported yet"
                        + "  0.0 s");
    }

    @Test
    void readsTheFleetAnswerOfTheApi() throws Exception {
        FleetView view = FleetView.of(new ObjectMapper().readTree("""
                {"destination":"head","rollout":"r-1","destination_heads":["c8626eb4ecaa"],"tenants":12,
                 "converged":11,"by_state":{"converged":11,"failed":1},"by_heads":{"c8626eb4ecaa":11,"5e656b9e303b":1},
                 "agents":2,"poison_records":0,"rollout_state":"halted"}"""));

        assertThat(view).isEqualTo(new FleetView("head", "r-1", "halted", List.of("c8626eb4ecaa"), 12, 11,
                Map.of("converged", 11L, "failed", 1L), Map.of("c8626eb4ecaa", 11L, "5e656b9e303b", 1L), 2, 0));
        assertThat(view.allConverged(12)).isFalse();
        assertThat(view.halted()).isTrue();
        assertThat(view.headsText()).isEqualTo("c8626eb4ecaa");
    }
}
