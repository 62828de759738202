package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.RolloutAborted;
import io.schemafleet.protocol.event.RolloutPaused;
import io.schemafleet.protocol.event.RolloutResumed;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantPinned;
import io.schemafleet.protocol.event.TenantUnpinned;
import io.schemafleet.protocol.event.Wave;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.fleet.Buckets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Agent-side membership: which rollout, wave and destination each tenant follows. */
class RolloutFoldTest {
    private static final Map<String, String> CANARY = Map.of("tier", "canary");
    private static final List<Wave> WAVES = List.of(
            new Wave("canary", CANARY, null, Duration.ofSeconds(1), 0, 2),
            new Wave("half", Map.of(), 50, null, null, null),
            Wave.byLabels("rest", Map.of()));

    private final RolloutFold fold = new RolloutFold();

    @Test
    void aRolloutWithoutWavesAdmitsEveryTenantAtOnce() {
        fold.apply(RolloutStarted.toWholeFleet("r0", "head"));

        assertThat(target("t1", Map.of())).contains(new RolloutBook.Target("head", "r0", null, null, false));
    }

    @Test
    void wavesAdmitTheirTenantsInOrderAndTheOthersKeepThePreviousDestination() {
        fold.apply(RolloutStarted.toWholeFleet("r0", "aaa"));
        fold.apply(new RolloutStarted("r1", "bbb", WAVES, "r0"));
        String low = tenantWithBucketBelow(50);
        String high = tenantWithBucketAtLeast(50);

        // Started, nothing admitted: everyone stays where r0 put them.
        assertThat(destination("c1", CANARY)).isEqualTo("aaa");
        fold.apply(new WaveAdmitted("r1", "canary", 0));
        assertThat(target("c1", CANARY)).contains(new RolloutBook.Target("bbb", "r1", "canary", 2, false));
        assertThat(destination(low, Map.of())).isEqualTo("aaa");

        fold.apply(new WaveAdmitted("r1", "half", 1));
        assertThat(target(low, Map.of()).map(RolloutBook.Target::wave)).contains("half");
        assertThat(destination(high, Map.of())).isEqualTo("aaa");

        fold.apply(new WaveAdmitted("r1", "rest", 2));
        assertThat(target(high, Map.of()).map(RolloutBook.Target::wave)).contains("rest");
        // A canary with a low bucket belongs to its first selecting wave, the canary one.
        assertThat(target(low, CANARY).map(RolloutBook.Target::wave)).contains("canary");
    }

    @Test
    void aTenantNoRolloutAdmittedHasNoTarget() {
        fold.apply(new RolloutStarted("r1", "bbb", List.of(Wave.byLabels("canary", CANARY)), null));
        fold.apply(new WaveAdmitted("r1", "canary", 0));

        assertThat(target("t1", Map.of())).isEmpty();
        assertThat(target("t1", CANARY)).isPresent();
    }

    @Test
    void aNewRolloutFreezesTheFloatingDestinationOfThePreviousOne() {
        fold.apply(RolloutStarted.toWholeFleet("r0", "head"));
        fold.apply(new RolloutStarted("r1", "head", WAVES, "r0", "aaa"));

        assertThat(destination("t1", Map.of())).isEqualTo("aaa");
    }

    @Test
    void pauseHoldsTheRolloutsTenantsAndANewerRolloutReleasesThem() {
        fold.apply(RolloutStarted.toWholeFleet("r0", "aaa"));
        fold.apply(new RolloutPaused("r0", "alice"));
        assertThat(target("t1", Map.of()).map(RolloutBook.Target::paused)).contains(true);
        assertThat(fold.snapshot().paused("r0")).isTrue();

        fold.apply(new RolloutResumed("r0", "alice"));
        assertThat(fold.snapshot().paused("r0")).isFalse();

        fold.apply(new RolloutPaused("r0", "alice"));
        fold.apply(new RolloutStarted("r1", "bbb", WAVES, "r0"));
        assertThat(target("t1", Map.of())).contains(new RolloutBook.Target("aaa", "r0", null, null, false));
    }

    @Test
    void anAbortedRolloutsTenantsKeepItsDestination() {
        fold.apply(new RolloutStarted("r1", "bbb", WAVES, null));
        fold.apply(new WaveAdmitted("r1", "canary", 0));
        fold.apply(new RolloutAborted("r1", "bob"));
        fold.apply(new RolloutStarted("r2", "ccc", WAVES, "r1"));

        assertThat(target("c1", CANARY)).contains(new RolloutBook.Target("bbb", "r1", "canary", 2, false));
    }

    @Test
    void aPinWinsOverEveryRolloutUntilUnpinned() {
        fold.apply(RolloutStarted.toWholeFleet("r0", "head"));
        fold.apply(new TenantPinned("t1", "aaa", "alice"));

        assertThat(target("t1", Map.of())).contains(new RolloutBook.Target("aaa", null, null, null, false));
        assertThat(destination("t2", Map.of())).isEqualTo("head");

        fold.apply(new TenantUnpinned("t1", "alice"));
        assertThat(destination("t1", Map.of())).isEqualTo("head");
    }

    @Test
    void replaysAndDuplicatesChangeNothing() {
        RolloutStarted r1 = new RolloutStarted("r1", "bbb", WAVES, null);
        assertThat(fold.apply(r1)).isTrue();
        assertThat(fold.apply(new WaveAdmitted("r1", "half", 1))).isTrue();

        assertThat(fold.apply(r1)).isFalse();
        assertThat(fold.apply(new WaveAdmitted("r1", "canary", 0))).isFalse();
        assertThat(fold.apply(new WaveAdmitted("r1", "half", 1))).isFalse();
        assertThat(fold.snapshot().newest().orElseThrow().admitted()).isEqualTo(2);
    }

    private Optional<RolloutBook.Target> target(String tenant, Map<String, String> labels) {
        return fold.snapshot().target(tenant, labels);
    }

    private String destination(String tenant, Map<String, String> labels) {
        return target(tenant, labels).map(RolloutBook.Target::destination).orElse(null);
    }

    private static String tenantWithBucketBelow(int percent) {
        for (int i = 0; ; i++) {
            if (Buckets.of("t" + i) < percent) {
                return "t" + i;
            }
        }
    }

    private static String tenantWithBucketAtLeast(int percent) {
        for (int i = 0; ; i++) {
            if (Buckets.of("t" + i) >= percent) {
                return "t" + i;
            }
        }
    }
}
