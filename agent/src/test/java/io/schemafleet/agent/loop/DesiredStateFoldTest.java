package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.Envelopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateFoldTest {
    @Test
    void freshDescribeRequestsAreHandedOverOnceAndChangeNoDesiredState() {
        DesiredStateFold fold = new DesiredStateFold();
        long before = fold.snapshot(true).version();
        DescribeRequested request = new DescribeRequested("d-1", List.of("t1"), "alice", Instant.now());

        boolean changed = fold.apply(Envelopes.of(request, "coordinator"), request);

        assertThat(changed).isFalse();
        assertThat(fold.snapshot(true).version()).isEqualTo(before);
        assertThat(fold.takeDescribes()).containsExactly(request);
        assertThat(fold.takeDescribes()).isEmpty();
    }

    @Test
    void describeRequestsOlderThanTheMaximumAgeAreNotAnswered() {
        DesiredStateFold fold = new DesiredStateFold();
        Instant old = Instant.now().minus(DesiredStateFold.DESCRIBE_MAX_AGE).minusSeconds(1);
        DescribeRequested request = new DescribeRequested("d-old", List.of("t1"), "alice", old);

        fold.apply(Envelopes.of(request, "coordinator", "e-1", old), request);

        assertThat(fold.takeDescribes()).isEmpty();
    }
}
