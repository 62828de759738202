package io.schemafleet.coordinator.store;

import io.schemafleet.coordinator.projection.Heads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet counted by state and by heads, from its tenants counted per state, heads and
 * fingerprint (the {@code fleet_counts} table). A converged tenant whose fingerprint
 * differs from the one a strict plurality of the converged tenants at its heads share is
 * counted as {@code drifted}: the rule of the {@code fleet_tenants} view
 * ({@code V3__drift.sql}), applied to a few groups instead of every tenant.
 *
 * @param tenants   every tenant
 * @param converged tenants converged or drifted at {@code convergedHeads}
 * @param byState   tenants per state, {@code drifted} included
 * @param byHeads   tenants per heads, as shown ({@link Heads#show})
 */
public record FleetTally(long tenants, long converged, Map<String, Long> byState, Map<String, Long> byHeads) {

    /** Tenants of one state, heads (stored key) and fingerprint (null: none). */
    public record Group(String state, String heads, String fingerprint, long tenants) {
        boolean drifted(String majorityFingerprint) {
            return state.equals("converged") && fingerprint != null && majorityFingerprint != null
                    && !fingerprint.equals(majorityFingerprint);
        }
    }

    /**
     * Counts {@code groups} (at most one per state, heads and fingerprint; their order is the
     * order of the maps' keys). {@code convergedHeads} is the stored heads key of the fleet's
     * destination; null counts nothing as converged.
     */
    public static FleetTally of(List<Group> groups, String convergedHeads) {
        Map<String, String> majority = majorities(groups);
        Map<String, Long> byState = new LinkedHashMap<>();
        Map<String, Long> byHeads = new LinkedHashMap<>();
        long total = 0;
        long converged = 0;
        for (Group g : groups) {
            String state = g.drifted(majority.get(g.heads())) ? "drifted" : g.state();
            total += g.tenants();
            byState.merge(state, g.tenants(), Long::sum);
            byHeads.merge(Heads.show(g.heads()), g.tenants(), Long::sum);
            // A drifted tenant is at the destination's heads all the same.
            if ((state.equals("converged") || state.equals("drifted")) && g.heads().equals(convergedHeads)) {
                converged += g.tenants();
            }
        }
        return new FleetTally(total, converged, byState, byHeads);
    }

    /** Per heads, the fingerprint with a strict plurality among its converged tenants (no entry on a tie). */
    private static Map<String, String> majorities(List<Group> groups) {
        Map<String, Map<String, Long>> byHeads = new LinkedHashMap<>();
        for (Group g : groups) {
            if (g.state().equals("converged") && g.fingerprint() != null) {
                byHeads.computeIfAbsent(g.heads(), h -> new LinkedHashMap<>()).merge(g.fingerprint(), g.tenants(),
                        Long::sum);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        byHeads.forEach((heads, counts) -> {
            long top = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
            List<String> leaders = counts.entrySet().stream().filter(e -> e.getValue() == top).map(Map.Entry::getKey)
                    .toList();
            if (leaders.size() == 1) {
                out.put(heads, leaders.get(0));
            }
        });
        return out;
    }
}
