package io.schemafleet.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    @Test
    void showsTheFleetTowardItsDestinationWithCountsByState() {
        FleetView view = new FleetView("head", List.of("c8626eb4ecaa"), 40, 30,
                Map.of("converged", 30L, "applying", 8L, "failed", 2L), 2);

        assertThat(ProgressBar.render(view, 100, 12.34)).isEqualTo(
                "[#########.....................]   30/100 at head  30%  converged 30, applying 8, failed 2"
                        + "  | 60 not reported  12.3 s");
    }

    @Test
    void aTenantAddedByHandCountsInTheTotal() {
        FleetView view = new FleetView("head", List.of("c8626eb4ecaa"), 13, 13, Map.of("converged", 13L), 2);

        assertThat(ProgressBar.render(view, 12, 1)).startsWith("[" + "#".repeat(30) + "]   13/13 at head 100%");
        assertThat(view.allConverged(12)).isTrue();
    }

    @Test
    void beforeAnyRolloutNothingIsConverged() {
        FleetView view = new FleetView(null, List.of(), 0, 0, Map.of(), 0);

        assertThat(ProgressBar.render(view, 12, 0)).isEqualTo(
                "[" + ".".repeat(30) + "]    0/12 at (no rollout yet)   0%  | 12 not reported  0.0 s");
        assertThat(view.allConverged(12)).isFalse();
    }

    @Test
    void readsTheFleetAnswerOfTheApi() throws Exception {
        FleetView view = FleetView.of(new ObjectMapper().readTree("""
                {"destination":"head","rollout":"r-1","destination_heads":["c8626eb4ecaa"],"tenants":12,
                 "converged":11,"by_state":{"converged":11,"failed":1},"by_heads":{},"agents":2,"poison_records":0}"""));

        assertThat(view).isEqualTo(new FleetView("head", List.of("c8626eb4ecaa"), 12, 11,
                Map.of("converged", 11L, "failed", 1L), 2));
        assertThat(view.allConverged(12)).isFalse();
        assertThat(view.headsText()).isEqualTo("c8626eb4ecaa");
    }
}
