package io.schemafleet.coordinator.rollout;

import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RolloutCompleted;
import io.schemafleet.protocol.event.RolloutHalted;
import io.schemafleet.protocol.event.Wave;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.event.WaveConverged;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's decisions, given a rollout, its waves' counts and the time. */
class RolloutEngineTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final List<Wave> WAVES = List.of(
            new Wave("canary", Map.of("tier", "canary"), null, Duration.ofMinutes(2), 0, null),
            new Wave("half", Map.of(), 50, Duration.ofMinutes(1), null, null, 10),
            Wave.byLabels("rest", Map.of()));

    @Test
    void aWaveStillApplyingWaits() {
        assertThat(decide(rollout("running", 1), counts(new WaveCounts(5, 3, 0, 2)), T0)).isEmpty();
    }

    @Test
    void aWaveNotYetPickedUpWaits() {
        // Tenants still on the previous rollout count as pending, not as settled.
        assertThat(decide(rollout("running", 1), counts(new WaveCounts(5, 0, 0, 0)), T0)).isEmpty();
    }

    @Test
    void aSettledWaveConvergesAndItsSoakStarts() {
        assertThat(decide(rollout("running", 1), counts(new WaveCounts(5, 5, 0, 0)), T0))
                .contains(new WaveConverged("r1", "canary", 0, 5, 0));
    }

    @Test
    void theNextWaveIsAdmittedOnlyOnceTheSoakIsOver() {
        RolloutRow r = rollout("running", 1, T0);
        List<WaveCounts> counts = counts(new WaveCounts(5, 5, 0, 0));

        assertThat(decide(r, counts, T0.plus(Duration.ofSeconds(119)))).isEmpty();
        assertThat(decide(r, counts, T0.plus(Duration.ofMinutes(2)))).contains(new WaveAdmitted("r1", "half", 1));
    }

    @Test
    void failuresPastTheBudgetHaltWithTheReasonAndTheFailedTenants() {
        Optional<EventBody> decision = decide(rollout("running", 1), counts(new WaveCounts(5, 3, 1, 1)), T0);

        assertThat(decision).containsInstanceOf(RolloutHalted.class);
        RolloutHalted halted = (RolloutHalted) decision.orElseThrow();
        assertThat(halted.wave()).isEqualTo("canary");
        assertThat(halted.reason()).contains("1 of 5 tenants failed", "budget of 0 (max_failures 0)",
                "; failed: tenant_3 (sql_failed 42P07: ERROR: relation \"ix_slow2\" already exists)");
    }

    @Test
    void aFailedTenantIsNamedWithItsCodeAndSqlstateWhenItHasOne() {
        assertThat(RolloutEngine.failedTenant("d_1", "sql_failed", "42P07", "ERROR: relation \"ix_slow2\" already exists"))
                .isEqualTo("d_1 (sql_failed 42P07: ERROR: relation \"ix_slow2\" already exists)");
        assertThat(RolloutEngine.failedTenant("d_2", "unreachable", null, "connection refused"))
                .isEqualTo("d_2 (unreachable: connection refused)");
        assertThat(RolloutEngine.failedTenant("d_3", "dirty", null, null)).isEqualTo("d_3 (dirty: )");
    }

    @Test
    void aLongErrorMessageIsCutInTheHaltReason() {
        String message = "x".repeat(RolloutEngine.SHOWN_MESSAGE) + "TAIL";

        String named = RolloutEngine.failedTenant("d_1", "sql_failed", "54000", message);

        assertThat(named).isEqualTo("d_1 (sql_failed 54000: " + "x".repeat(RolloutEngine.SHOWN_MESSAGE) + "...)");
    }

    @Test
    void failuresWithinAPercentBudgetLetTheWaveConverge() {
        RolloutRow r = rollout("running", 2, T0);
        // 10% of 30 is 3: three failures are tolerated, four are not.
        assertThat(decide(r, counts(WaveCounts.NONE, new WaveCounts(30, 27, 3, 0)), T0))
                .contains(new WaveConverged("r1", "half", 1, 30, 3));
        assertThat(decide(r, counts(WaveCounts.NONE, new WaveCounts(30, 26, 4, 0)), T0))
                .containsInstanceOf(RolloutHalted.class);
    }

    @Test
    void theLastWaveSoakedCompletesTheRollout() {
        RolloutRow r = rollout("running", 3, T0, T0, T0);
        assertThat(decide(r, counts(WaveCounts.NONE, WaveCounts.NONE, new WaveCounts(10, 10, 0, 0)), T0))
                .contains(new RolloutCompleted("r1"));
    }

    @Test
    void anEmptyWaveConvergesAtOnce() {
        assertThat(decide(rollout("running", 1), counts(WaveCounts.NONE), T0))
                .contains(new WaveConverged("r1", "canary", 0, 0, 0));
    }

    @Test
    void onlyARunningRolloutMoves() {
        for (String state : List.of("paused", "halted", "aborted", "completed", "superseded")) {
            assertThat(decide(rollout(state, 1, T0), counts(new WaveCounts(5, 5, 0, 0)), T0.plusSeconds(600)))
                    .as(state).isEmpty();
        }
    }

    private static Optional<EventBody> decide(RolloutRow r, List<WaveCounts> counts, Instant now) {
        return RolloutEngine.decide(r, counts, now, wave -> List.of(RolloutEngine.failedTenant("tenant_3", "sql_failed",
                "42P07", "ERROR: relation \"ix_slow2\" already exists")));
    }

    private static RolloutRow rollout(String state, int admitted, Instant... convergedAt) {
        List<RolloutRow.WaveTimes> times = new java.util.ArrayList<>();
        for (int i = 0; i < admitted; i++) {
            times.add(new RolloutRow.WaveTimes(T0, i < convergedAt.length ? convergedAt[i] : null));
        }
        return new RolloutRow("r1", "head", WAVES, null, T0, state, admitted, null, null, times);
    }

    private static List<WaveCounts> counts(WaveCounts... admitted) {
        List<WaveCounts> out = new java.util.ArrayList<>(List.of(admitted));
        while (out.size() < WAVES.size()) {
            out.add(WaveCounts.NONE);
        }
        return out;
    }
}
