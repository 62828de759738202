package io.schemafleet.protocol.event;

import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compact constructors: a body that exists is a body consumers accept. */
class EventBodiesTest {
    private static final Instant AT = EventSamples.AT;

    @Test
    void revisionPublishedConvertsToAndFromRevision() {
        RevisionPublished published = RevisionPublished.of(EventSamples.REVISION);

        assertThat(published.revision()).isEqualTo(EventSamples.REVISION);
        assertThat(published.checksum()).isEqualTo(EventSamples.REVISION.checksum());
        assertThat(published.type()).isEqualTo(EventType.REVISION_PUBLISHED);
    }

    @Test
    void revisionPublishedRefusesAChecksumThatDoesNotMatch() {
        Revision other = Revision.of("abc", List.of(), List.of(), List.of());

        assertThatThrownBy(() -> new RevisionPublished(EventSamples.REVISION, other.checksum()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("checksum mismatch for revision 360b16ba22c2")
                .extracting(e -> ((InvalidEventException) e).rejection()).isEqualTo(Rejection.CHECKSUM_MISMATCH);
    }

    @Test
    void tenantReportSortsAndDeduplicatesHeads() {
        TenantReport report = report("tenant_1", List.of("ccc", "aaa", "ccc"), 0, null);

        assertThat(report.heads()).containsExactly("aaa", "ccc");
    }

    @Test
    void tenantReportCopiesItsLists() {
        List<String> heads = new ArrayList<>(List.of("aaa"));
        TenantReport report = report("tenant_1", heads, 0, null);

        heads.add("bbb");

        assertThat(report.heads()).containsExactly("aaa");
    }

    @Test
    void tenantReportRefusesBadValues() {
        assertInvalid(() -> report("agent:x", List.of(), 0, null), "tenant 'agent:x' is invalid: expected 1 to 255");
        assertInvalid(() -> report("t1", List.of("a-b"), 0, null), "heads: Character(s) '-' not allowed");
        assertInvalid(() -> report("t1", List.of(), -1, null), "attempts must be at least 0, got -1");
        assertInvalid(() -> report("t1", List.of(), 0, "ABC"), "fingerprint 'ABC' is invalid");
        assertInvalid(() -> new TenantReport.Failure("sql_failed", null, "4200", "m"), "error sqlstate '4200' is invalid");
        assertInvalid(() -> new TenantReport.Failure("SQL Failed", null, null, "m"), "error code 'SQL Failed' is invalid");
        assertInvalid(() -> new TenantReport.Step("r1", Direction.UPGRADE, -5), "step duration_ms must be at least 0");
        assertInvalid(() -> new TenantReport.Step("r1", Direction.UPGRADE, 5, 3L, null),
                "step history_id and started_at must be given together");
        assertInvalid(() -> new TenantReport.Step("r1", Direction.UPGRADE, 5, null, AT),
                "step history_id and started_at must be given together");
        assertInvalid(() -> new TenantReport.Step("r1", Direction.UPGRADE, 5, 0L, AT),
                "step history_id must be at least 1");
        assertInvalid(() -> new TenantReport("t1", "a1", List.of(), null, null, null, List.of(), null, null, 0, AT),
                "missing state");
        assertInvalid(() -> new TenantReport("t1", "a1", List.of(), TenantState.FAILED, null, null, List.of(), null,
                null, 0, AT, Map.of(), null, -1L), "retry_offset must be at least 0");
    }

    @Test
    void failureMessagesAreCappedAt4096Characters() {
        TenantReport.Failure failure = new TenantReport.Failure("sql_failed", null, null, "x".repeat(10_000));

        assertThat(failure.message()).hasSize(4096).endsWith("...");
    }

    @Test
    void wavesValidateTheirLimits() {
        assertInvalid(() -> new Wave("w", null, 0, null, null, null), "wave w bucket_percent must be 1 to 100, got 0");
        assertInvalid(() -> new Wave("w", null, 101, null, null, null), "wave w bucket_percent must be 1 to 100, got 101");
        assertInvalid(() -> new Wave("w", null, null, Duration.ofSeconds(-1), null, null), "wave w soak must not be negative");
        assertInvalid(() -> new Wave("w", null, null, null, -1, null), "wave w max_failures must be at least 0");
        assertInvalid(() -> new Wave("w", null, null, null, null, 0), "wave w parallelism must be at least 1");
        assertInvalid(() -> Wave.byLabels("w", Map.of("bad key", "v")), "wave w label key 'bad key' is invalid");
        assertInvalid(() -> Wave.byLabels("", Map.of()), "wave name '' is invalid");
    }

    @Test
    void rolloutsRefuseDuplicateWavesAndSelfSupersession() {
        assertInvalid(() -> new RolloutStarted("r1", "head", List.of(Wave.byLabels("a", Map.of()),
                Wave.byLabels("a", Map.of())), null), "wave name 'a' appears twice in rollout r1");
        assertInvalid(() -> new RolloutStarted("r1", "head", List.of(), "r1"), "rollout r1 cannot supersede itself");
        assertInvalid(() -> RolloutStarted.toWholeFleet("r1", "two words"), "to 'two words' is invalid");
        assertInvalid(() -> new RolloutStarted("r1", "head", java.util.Arrays.asList((Wave) null), null),
                "waves must not contain null");
    }

    @Test
    void anEmptyWaveListMeansTheWholeFleet() {
        assertThat(RolloutStarted.toWholeFleet("r1", "head").waves()).isEmpty();
        assertThat(new RolloutStarted("r1", "head", null, null).waves()).isEmpty();
    }

    @Test
    void heartbeatsAndRetryRequestsValidate() {
        assertInvalid(() -> new AgentHeartbeat("a1", 1, AT, AT, " "), "version must not be blank");
        assertInvalid(() -> new AgentHeartbeat("a1", -1, AT, AT, "1"), "tenants must be at least 0, got -1");
        assertInvalid(() -> new TenantRetryRequested("t1", "", AT), "requested_by must not be blank");
        assertInvalid(() -> new TenantRetryRequested("t1", "bob", null), "missing at");
    }

    @Test
    void signaturesNeedAKeyIdAndBase64() {
        assertThat(new Signature("k1", "AAEC").value()).isEqualTo("AAEC");
        assertInvalid(() -> new Signature("k 1", "AAEC"), "sig.key_id 'k 1' is invalid");
        assertInvalid(() -> new Signature("k1", "%%%"), "sig.value is not Base64");
        assertInvalid(() -> new Signature("k1", ""), "sig.value must not be empty");
    }

    private static TenantReport report(String tenant, List<String> heads, int attempts, String fingerprint) {
        return new TenantReport(tenant, "agent-1", heads, TenantState.CONVERGED, "head", null, List.of(), null,
                fingerprint, attempts, AT);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messageStart) {
        assertThatThrownBy(call).isInstanceOf(InvalidEventException.class).hasMessageStartingWith(messageStart);
    }
}
