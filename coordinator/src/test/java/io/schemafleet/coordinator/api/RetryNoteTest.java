package io.schemafleet.coordinator.api;

import io.schemafleet.coordinator.store.FleetQueries;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryNoteTest {
    @Test
    void aFailedTenantNeedsNoNote() {
        assertThat(RetryNote.of(tenant("failed", null))).isEmpty();
    }

    @Test
    void aDirtyTenantIsToldHowToSettleIt() {
        String note = RetryNote.of(tenant("dirty", new FleetQueries.TenantError("dirty", "ab12cd34ef56", null,
                "pending since 10:02"))).orElseThrow();

        assertThat(note).startsWith("t1 is dirty").contains("revision ab12cd34ef56",
                "schemafleet resolve --db URL --tenant t1 --dir DIR --mark-applied", "--mark-rolled-back");
    }

    @Test
    void aBlockedTenantIsToldWhatBlocksIt() {
        String note = RetryNote.of(tenant("blocked", new FleetQueries.TenantError("checksum_mismatch", "ab12cd34ef56",
                null, "applied with checksum 1f…, published 9c…"))).orElseThrow();

        assertThat(note).startsWith("t1 is blocked (checksum_mismatch: applied with checksum 1f…, published 9c…)")
                .contains("every resync");
    }

    @Test
    void anyOtherTenantHadNothingToRetry() {
        assertThat(RetryNote.of(tenant("converged", null))).hasValue("t1 is converged, not failed: there was nothing"
                + " to retry");
        assertThat(RetryNote.of(tenant("behind", null))).hasValue("t1 is behind, not failed: there was nothing"
                + " to retry");
    }

    private static FleetQueries.Tenant tenant(String state, FleetQueries.TenantError error) {
        return new FleetQueries.Tenant("t1", "base", state, "head", null, error, null, null, 1, "a1", Instant.EPOCH,
                Instant.EPOCH);
    }
}
