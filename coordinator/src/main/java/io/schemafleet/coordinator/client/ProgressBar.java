package io.schemafleet.coordinator.client;

import io.schemafleet.protocol.fleet.TenantState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One line of fleet progress, ASCII only (any terminal, any encoding). */
public final class ProgressBar {
    public static final int WIDTH = 30;

    private ProgressBar() {
    }

    /**
     * {@code [#########.....................]  30/100 at head  30%  converged 30, applying 4  | 66 not reported  12.3 s}
     *
     * @param expected tenants expected (more may have reported: a tenant added by hand)
     * @param seconds  since the watch started
     */
    public static String render(FleetView view, int expected, double seconds) {
        long total = Math.max(expected, view.reported());
        long done = Math.min(view.settled(), total); // tenants held at a pin elsewhere are where they are meant to be
        int filled = total == 0 ? 0 : (int) (done * WIDTH / total);
        int percent = total == 0 ? 0 : (int) (done * 100 / total);
        StringBuilder line = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled))
                .append("] ").append(String.format(Locale.ROOT, "%4d/%d at %s %3d%%", done, total,
                        view.destination() == null ? "(no rollout yet)" : view.destination(), percent));
        List<String> states = new ArrayList<>();
        for (TenantState state : TenantState.values()) {
            long n = view.inState(state.code());
            if (n > 0) {
                states.add(state.code() + " " + n);
            }
        }
        view.byState().forEach((code, n) -> {
            if (n > 0 && states.stream().noneMatch(s -> s.startsWith(code + " "))) {
                states.add(code + " " + n); // a state this build does not know yet
            }
        });
        if (!states.isEmpty()) {
            line.append("  ").append(String.join(", ", states));
        }
        long silent = total - view.reported();
        if (view.pinnedElsewhere() > 0) {
            line.append("  | ").append(view.pinnedElsewhere()).append(" pinned elsewhere");
        }
        if (view.reported() == 0 && expected <= 1) {
            line.append("  | no tenant has reported yet"); // not "1 not reported": watch only waits for a first one
        } else if (silent > 0) {
            line.append("  | ").append(silent).append(" not reported");
        }
        return line.append(String.format(Locale.ROOT, "  %.1f s", seconds)).toString();
    }
}
