package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.Envelopes;
import io.schemafleet.protocol.event.TenantRetryRequested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateFoldTest {
    @Test
    void freshDescribeRequestsAreHandedOverOnceAndChangeNoDesiredState() {
        DesiredStateFold fold = new DesiredStateFold();
        long before = fold.snapshot(true).version();
        DescribeRequested request = new DescribeRequested("d-1", List.of("t1"), "alice", Instant.now());

        boolean changed = fold.apply(Envelopes.of(request, "coordinator"), request, 0, false);

        assertThat(changed).isFalse();
        assertThat(fold.snapshot(true).version()).isEqualTo(before);
        assertThat(fold.takeDescribes()).containsExactly(request);
        assertThat(fold.takeDescribes()).isEmpty();
    }

    @Test
    void describeRequestsReplayedAtStartAreAnsweredOnlyWhileYoung() {
        DesiredStateFold fold = new DesiredStateFold();
        Instant old = Instant.now().minus(DesiredStateFold.DESCRIBE_MAX_AGE).minusSeconds(1);
        DescribeRequested stale = new DescribeRequested("d-old", List.of("t1"), "alice", old);
        DescribeRequested recent = new DescribeRequested("d-new", List.of("t1"), "alice", Instant.now());

        fold.apply(Envelopes.of(stale, "coordinator", "e-1", old), stale, 0, true);
        fold.apply(Envelopes.of(recent, "coordinator", "e-2", recent.at()), recent, 1, true);

        assertThat(fold.takeDescribes()).containsExactly(recent);
    }

    @Test
    void aDescribeRequestArrivingWhileTheAgentRunsIsAnsweredWhateverTheClocks() {
        // an agent whose clock is ahead of the coordinator's sees a fresh request as old
        DesiredStateFold fold = new DesiredStateFold();
        Instant coordinatorNow = Instant.now().minus(DesiredStateFold.DESCRIBE_MAX_AGE).minusSeconds(60);
        DescribeRequested request = new DescribeRequested("d-live", List.of("t1"), "alice", coordinatorNow);

        fold.apply(Envelopes.of(request, "coordinator", "e-1", coordinatorNow), request, 0, false);

        assertThat(fold.takeDescribes()).containsExactly(request);
    }

    @Test
    void aRetryRequestIsKeptByItsOffsetUntilActedOnAndANewerOneOutlivesAnOlder() {
        DesiredStateFold fold = new DesiredStateFold();
        TenantRetryRequested first = new TenantRetryRequested("t1", "alice", Instant.now());
        TenantRetryRequested second = new TenantRetryRequested("t1", "bob", Instant.now());

        assertThat(fold.apply(Envelopes.of(first, "coordinator"), first, 7, false)).isTrue();
        assertThat(fold.snapshot(true).retries()).isEqualTo(Map.of("t1", 7L));
        fold.apply(Envelopes.of(second, "coordinator"), second, 9, false);
        fold.retried("t1", 7); // acted on the first while the second arrived

        assertThat(fold.snapshot(true).retries()).as("the newer request is still to act on").isEqualTo(Map.of("t1", 9L));
        fold.retried("t1", 9);
        assertThat(fold.snapshot(true).retries()).isEmpty();
    }
}
