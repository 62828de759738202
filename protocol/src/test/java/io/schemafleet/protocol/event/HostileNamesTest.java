package io.schemafleet.protocol.event;

import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant names and wave labels with quotes, semicolons, unicode, control characters and
 * 10 KB lengths: refused where they enter (with the value shown escaped and short), so
 * they never become keys, rows or log lines. Label values are data: quotes are allowed
 * there (they only ever travel as JSON and as SQL parameters), length and control
 * characters are not.
 */
class HostileNamesTest {
    static Stream<String> hostile() {
        return Stream.of("'", "\"", ";", "t1'; DROP TABLE tenants; --", "a b", "ténant", "租户", "😀", "\u202Et1",
                "t1\u0000", "t1\nX", "a:b", "", "x".repeat(10_240));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void tenantNamesAreRefusedWithTheValueShownEscapedAndShort(String name) {
        assertThat(Names.isName(name)).isFalse();
        assertThatThrownBy(() -> Names.verify(name, "tenant id"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("tenant id '")
                .hasMessageEndingWith("' is invalid: expected " + Names.RULE)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).doesNotContain("\u0000", "\n"));
        assertThatThrownBy(() -> new TenantRetryRequested(name, "ops", EventSamples.AT))
                .isInstanceOf(InvalidEventException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant_a", "acme$eu", "eu-west.t1", "a/b", "T1"})
    void plainNamesAreAccepted(String name) {
        assertThat(Names.isName(name)).isTrue();
        assertThat(Names.verify(name, "tenant id")).isEqualTo(name);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void waveLabelKeysAreRefused(String key) {
        assertThatThrownBy(() -> Wave.byLabels("w1", Map.of(key, "canary")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("wave w1 label key ");
    }

    @Test
    void waveLabelValuesMayHoldQuotesButNotControlCharactersOr10Kb() {
        assertThat(Wave.byLabels("w1", Map.of("tier", "it's \"canary\"; --")).labels())
                .containsEntry("tier", "it's \"canary\"; --");
        assertThatThrownBy(() -> Wave.byLabels("w1", Map.of("tier", "c".repeat(10_240))))
                .hasMessage("wave w1 label tier is longer than 255 characters");
        assertThatThrownBy(() -> Wave.byLabels("w1", Map.of("tier", "canary\u0000")))
                .hasMessage("wave w1 label tier 'canary\\x00' contains control characters");
    }

    @Test
    void aNulInAReportedErrorMessageIsEscapedBecausePostgresqlCannotStoreIt() {
        TenantReport.Failure failure = new TenantReport.Failure("sql_failed", null, "22021", "bad\u0000byte");

        assertThat(failure.message()).isEqualTo("bad\\x00byte");
        TenantReport report = new TenantReport("t1", "a1", List.of(), TenantState.FAILED, null, null, List.of(),
                failure, null, 0, EventSamples.AT);
        Decoded decoded = EventCodec.decode(EventCodec.encode(Envelopes.of(report, "agent:a1")));
        assertThat(((Decoded.Event) decoded).bodyAs(TenantReport.class).orElseThrow().error().message())
                .isEqualTo("bad\\x00byte");
    }
}
