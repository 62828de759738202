package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.store.VersionLayout;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplyOptionsTest {
    private static final ApplyOptions OPTIONS = ApplyOptions.defaults("agent-1")
            .withRetries(8, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void firstRetryWaitsTheInitialBackoffThenDoubles() {
        assertThat(OPTIONS.backoff(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(OPTIONS.backoff(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(OPTIONS.backoff(4)).isEqualTo(Duration.ofMillis(400));
        assertThat(OPTIONS.backoff(5)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void backoffIsCappedAtTheMaximum() {
        assertThat(OPTIONS.backoff(6)).isEqualTo(Duration.ofMillis(1000));
        assertThat(OPTIONS.backoff(7)).isEqualTo(Duration.ofMillis(1000));
        assertThat(OPTIONS.backoff(200)).isEqualTo(Duration.ofMillis(1000));
        assertThat(OPTIONS.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        // when
        ApplyOptions defaults = ApplyOptions.defaults("agent-1");

        // then
        assertThat(defaults.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.statementTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.maxAttempts()).isEqualTo(5);
        assertThat(defaults.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(defaults.backoff(20)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.layout()).isEqualTo(VersionLayout.SCHEMAFLEET);
    }

    @Test
    void refusesNonPositiveTimeouts() {
        ApplyOptions ok = ApplyOptions.defaults("agent-1");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lock timeout");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statement timeout");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withTimeouts(null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesFewerThanOneAttempt() {
        ApplyOptions ok = ApplyOptions.defaults("agent-1");
        assertThatThrownBy(() -> ok.withRetries(0, Duration.ofMillis(1), Duration.ofMillis(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatCode(() -> ok.withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesBlankOrOverlongAgentIds() {
        assertThatThrownBy(() -> ApplyOptions.defaults("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApplyOptions.defaults(" \t ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApplyOptions.defaults("a".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ApplyOptions.defaults("a".repeat(200)).agentId()).hasSize(200);
    }

    @Test
    void theReadTimeoutIsTheStatementTimeoutAndAsMuchAgainUpToAMinute() {
        ApplyOptions defaults = ApplyOptions.defaults("a");
        assertThat(defaults.readTimeout()).isEqualTo(Databases.DEFAULT_READ_TIMEOUT).isEqualTo(Duration.ofMinutes(16));
        assertThat(defaults.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)).readTimeout())
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(defaults.withTimeouts(Duration.ofSeconds(1), Duration.ofHours(1)).readTimeout())
                .isEqualTo(Duration.ofMinutes(61));
    }
}
