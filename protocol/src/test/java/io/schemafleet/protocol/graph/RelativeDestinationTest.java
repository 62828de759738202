package io.schemafleet.protocol.graph;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelativeDestinationTest {
    @Test
    void eachStepAppliedIsOneFewerLeft() {
        RelativeDestination down = RelativeDestination.of("-2").orElseThrow();

        assertThat(down.remaining(0)).contains("-2");
        assertThat(down.remaining(1)).contains("-1");
        assertThat(down.remaining(2)).isEmpty();
        assertThat(RelativeDestination.of("perf@+3").orElseThrow().remaining(1)).contains("perf@+2");
    }

    @Test
    void aDestinationThatNamesARevisionIsNotACount() {
        assertThat(RelativeDestination.of("head")).isEmpty();
        assertThat(RelativeDestination.of("ae1027a6acf")).isEmpty();
        assertThat(RelativeDestination.of("perf@head")).isEmpty();
        assertThat(RelativeDestination.of("ae10+2")).as("counted from a named revision: fixed").isEmpty();
    }
}
