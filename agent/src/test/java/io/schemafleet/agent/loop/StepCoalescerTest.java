package io.schemafleet.agent.loop;

import io.schemafleet.agent.apply.StepRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StepCoalescerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<StepCoalescer.Batch> sent = new ArrayList<>();
    private final StepCoalescer coalescer = new StepCoalescer(Duration.ofMillis(500), now::get, sent::add);

    @Test
    void theFirstStepGoesOutAtOnceQuickOnesWaitAndTheRestGoOutAtTheEnd() {
        step("t1", "r1");
        assertThat(sent).singleElement().satisfies(b -> {
            assertThat(revisions(b)).containsExactly("r1");
            assertThat(b.heads()).containsExactly("r1");
        });

        now.addAndGet(Duration.ofMillis(100).toNanos());
        step("t1", "r2");
        step("t1", "r3");
        assertThat(sent).hasSize(1);

        coalescer.flush("t1");
        assertThat(sent).hasSize(2);
        assertThat(revisions(sent.get(1))).containsExactly("r2", "r3");
        assertThat(sent.get(1).heads()).containsExactly("r3");
        assertThat(sent.get(1).rolloutId()).isEqualTo("ro-1");
    }

    @Test
    void aSlowTenantReportsOncePerWindowAndEveryStepExactlyOnce() {
        for (int i = 1; i <= 10; i++) {
            step("t1", "r" + i);
            now.addAndGet(Duration.ofMillis(200).toNanos());
        }
        coalescer.flush("t1");
        coalescer.flush("t1"); // nothing left: nothing sent

        assertThat(sent.stream().flatMap(b -> revisions(b).stream()))
                .containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10");
        // r1 at once; then at 600, 1,200 and 1,800 ms (the first step at least 500 ms after the last report)
        assertThat(sent).extracting(b -> revisions(b).size()).containsExactly(1, 3, 3, 3);
    }

    @Test
    void tenantsAreGroupedApart() {
        step("t1", "a1");
        step("t2", "b1");
        step("t1", "a2");
        coalescer.flush("t2");
        coalescer.flush("t1");

        assertThat(sent).extracting(StepCoalescer.Batch::tenant).containsExactly("t1", "t2", "t1");
        assertThat(revisions(sent.get(2))).containsExactly("a2");
    }

    private void step(String tenant, String revision) {
        coalescer.stepApplied(tenant, "head", "ro-1", new StepRecord(revision, "upgrade", 3, null), List.of(revision),
                Map.of());
    }

    private static List<String> revisions(StepCoalescer.Batch b) {
        return b.steps().stream().map(StepRecord::revision).toList();
    }
}
