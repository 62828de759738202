package io.schemafleet.protocol.event;

import io.schemafleet.protocol.topic.Topics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waves, the rollout transitions and pins: wire forms, keys, selection and budgets. */
class RolloutEventsTest {
    private static final String WAVE_ADMITTED = "{\"at\":\"2024-05-01T12:00:00.123Z\","
            + "\"body\":{\"index\":0,\"rollout_id\":\"r-2024-05-01.1\",\"wave\":\"canary\"},"
            + "\"id\":\"0b4f6c1e-2d7a-4c8e-9f00-1a2b3c4d5e6f\",\"producer\":\"coordinator\","
            + "\"schema\":1,\"type\":\"wave_admitted\"}";

    @Test
    void waveAdmittedGolden() {
        Envelope envelope = EventSamples.envelope(new WaveAdmitted("r-2024-05-01.1", "canary", 0));
        assertThat(new String(EventCodec.encode(envelope), StandardCharsets.UTF_8)).isEqualTo(WAVE_ADMITTED);
    }

    @Test
    void labelledReportAndWavedRolloutRoundTrip() {
        for (EventBody body : List.of(EventSamples.LABELLED_REPORT, EventSamples.WAVED_ROLLOUT)) {
            Decoded decoded = EventCodec.decode(EventCodec.encode(EventSamples.envelope(body)));
            assertThat(decoded).isInstanceOf(Decoded.Event.class);
            assertThat(((Decoded.Event) decoded).body()).isEqualTo(body);
        }
        String wire = new String(EventCodec.encode(EventSamples.envelope(EventSamples.LABELLED_REPORT)),
                StandardCharsets.UTF_8);
        assertThat(wire).contains("\"bucket\":57").contains("\"labels\":{\"tier\":\"canary\"}");
    }

    @Test
    void aReportWithoutLabelsKeepsTheWireFormOfBefore() {
        String wire = new String(EventCodec.encode(EventSamples.envelope(EventSamples.TENANT_REPORT)),
                StandardCharsets.UTF_8);
        assertThat(wire).doesNotContain("labels").doesNotContain("bucket").doesNotContain("retry_offset");
    }

    @Test
    void aReportAnsweringARetryRequestCarriesTheRequestsOffset() {
        TenantReport sample = EventSamples.TENANT_REPORT;
        TenantReport answer = new TenantReport(sample.tenant(), sample.agent(), sample.heads(), sample.state(),
                sample.destination(), sample.rolloutId(), sample.steps(), sample.error(), sample.fingerprint(),
                sample.attempts(), sample.at(), Map.of(), null, 4_000_000_000L);

        byte[] wire = EventCodec.encode(EventSamples.envelope(answer));

        assertThat(new String(wire, StandardCharsets.UTF_8)).contains("\"retry_offset\":4000000000");
        assertThat(((Decoded.Event) EventCodec.decode(wire)).body()).isEqualTo(answer);
    }

    @Test
    void transitionsHaveTheirOwnKeysSoCompactionKeepsEachKind() {
        assertThat(Topics.keyFor(new WaveAdmitted("r1", "canary", 2))).isEqualTo("r1:wave:2:admitted");
        assertThat(Topics.keyFor(new WaveConverged("r1", "canary", 2, 3, 0))).isEqualTo("r1:wave:2:converged");
        assertThat(Topics.keyFor(new RolloutPaused("r1", "a"))).isEqualTo("r1:paused");
        assertThat(Topics.keyFor(new RolloutResumed("r1", "a"))).isEqualTo("r1:resumed");
        assertThat(Topics.keyFor(new RolloutHalted("r1", "w", "x"))).isEqualTo("r1:halted");
        assertThat(Topics.keyFor(new RolloutAborted("r1", "a"))).isEqualTo("r1:aborted");
        assertThat(Topics.keyFor(new RolloutCompleted("r1"))).isEqualTo("r1:completed");
        assertThat(Topics.keyFor(new TenantPinned("t1", "abc", "a"))).isEqualTo("pin:t1");
        assertThat(Topics.keyFor(new TenantUnpinned("t1", "a"))).isEqualTo("pin:t1");
    }

    @Test
    void aWaveSelectsByEveryLabelAndByBucket() {
        Wave canaryEu = new Wave("c", Map.of("tier", "canary", "region", "eu"), null, null, null, null);
        Wave tenPercent = new Wave("ten", Map.of(), 10, null, null, null);
        Wave both = new Wave("b", Map.of("region", "eu"), 50, null, null, null);
        Wave all = Wave.byLabels("all", Map.of());

        assertThat(canaryEu.selects(Map.of("tier", "canary", "region", "eu", "x", "y"), 99)).isTrue();
        assertThat(canaryEu.selects(Map.of("tier", "canary"), 0)).isFalse();
        assertThat(canaryEu.selects(Map.of("tier", "canary", "region", "us"), 0)).isFalse();
        assertThat(tenPercent.selects(Map.of(), 9)).isTrue();
        assertThat(tenPercent.selects(Map.of(), 10)).isFalse();
        assertThat(both.selects(Map.of("region", "eu"), 49)).isTrue();
        assertThat(both.selects(Map.of("region", "eu"), 50)).isFalse();
        assertThat(all.selects(Map.of(), 99)).isTrue();
    }

    @Test
    void theFailureBudgetIsTheSmallerOfCountAndPercent() {
        assertThat(Wave.byLabels("w", Map.of()).failureBudget(10)).isEqualTo(Integer.MAX_VALUE);
        assertThat(new Wave("w", null, null, null, 3, null).failureBudget(1000)).isEqualTo(3);
        assertThat(new Wave("w", null, null, null, null, null, 10).failureBudget(25)).isEqualTo(2);
        assertThat(new Wave("w", null, null, null, 1, null, 10).failureBudget(50)).isEqualTo(1);
        assertThat(new Wave("w", null, null, null, 0, null, null).failureBudget(50)).isZero();
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> new Wave("w", null, null, null, null, null, 101))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("max_failures_percent must be 0 to 100");
        assertThatThrownBy(() -> new TenantReport("t", "a", List.of(), io.schemafleet.protocol.fleet.TenantState.BEHIND,
                null, null, List.of(), null, null, 0, EventSamples.AT, Map.of(), 100))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("bucket must be 0 to 99");
        assertThatThrownBy(() -> new TenantPinned("t", "has space", "a")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> new WaveAdmitted("r", "w", -1)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void aDestinationSentToAgentsIsNeverCountedFromWhereATenantIs() {
        for (String relative : List.of("-1", "+2", "perf@-1")) {
            assertThatThrownBy(() -> new TenantPinned("t", relative, "a")).isInstanceOf(InvalidEventException.class)
                    .hasMessage("to '" + relative + "' is invalid: a destination sent to agents names a revision, not"
                            + " a count from where a tenant is");
            assertThatThrownBy(() -> RolloutStarted.toWholeFleet("r-1", relative))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("names a revision");
        }
        assertThat(new TenantPinned("t", "perf@head", "a").to()).isEqualTo("perf@head");
        assertThat(RolloutStarted.toWholeFleet("r-1", "ae1027a6acf").to()).isEqualTo("ae1027a6acf");
    }
}
