package io.schemafleet.coordinator.rollout;

/**
 * Where one wave's tenants stand for its rollout. A tenant belongs to the first wave
 * that selects it; pinned tenants belong to none. {@code pending} tenants have not
 * reported for this rollout yet (not admitted, or not picked up).
 *
 * @param tenants   tenants in the wave
 * @param converged reported converged for this rollout
 * @param failed    reported failed, blocked, dirty or unreachable for this rollout
 * @param applying  reported applying or behind for this rollout
 */
public record WaveCounts(long tenants, long converged, long failed, long applying) {
    public static final WaveCounts NONE = new WaveCounts(0, 0, 0, 0);

    public long pending() {
        return tenants - converged - failed - applying;
    }

    /** Every tenant converged or failed. */
    public boolean settled() {
        return converged + failed == tenants;
    }
}
