package io.schemafleet.coordinator.api;

import io.schemafleet.coordinator.store.FleetQueries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryNoteTest {
    private static final Optional<String> RUNNING = Optional.empty();

    @Test
    void aFailedTenantNeedsNoNote() {
        assertThat(RetryNote.of(tenant("failed", null), RUNNING)).isEmpty();
    }

    @Test
    void aFailedTenantUnderAPausedRolloutIsToldItWaitsForTheResume() {
        assertThat(RetryNote.of(tenant("failed", null), Optional.of("r-7"))).hasValue("rollout r-7 is paused: t1 stays"
                + " failed, and is tried again once the rollout is resumed (schemafleet rollout resume r-7)");
    }

    @Test
    void aDirtyTenantIsToldHowToSettleIt() {
        String note = RetryNote.of(tenant("dirty", new FleetQueries.TenantError("dirty", "ab12cd34ef56", null,
                "pending since 10:02")), RUNNING).orElseThrow();

        assertThat(note).startsWith("t1 is dirty").contains("revision ab12cd34ef56",
                "schemafleet resolve --db URL --tenant t1 --dir DIR --mark-applied", "--mark-rolled-back");
    }

    @Test
    void aBlockedTenantIsToldWhatBlocksIt() {
        String note = RetryNote.of(tenant("blocked", new FleetQueries.TenantError("checksum_mismatch", "ab12cd34ef56",
                null, "applied with checksum 1f…, published 9c…")), RUNNING).orElseThrow();

        assertThat(note).startsWith("t1 is blocked (checksum_mismatch: applied with checksum 1f…, published 9c…)")
                .contains("every resync");
    }

    @Test
    void anyOtherTenantHadNothingToRetry() {
        assertThat(RetryNote.of(tenant("converged", null), RUNNING)).hasValue("t1 is converged, not failed: there was"
                + " nothing to retry");
        assertThat(RetryNote.of(tenant("behind", null), RUNNING)).hasValue("t1 is behind, not failed: there was"
                + " nothing to retry");
    }

    private static FleetQueries.Tenant tenant(String state, FleetQueries.TenantError error) {
        return new FleetQueries.Tenant("t1", "base", state, "head", null, error, null, null, 1, "a1", Instant.EPOCH,
                Instant.EPOCH);
    }
}
