package io.schemafleet.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.protocol.SchemafleetException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Shows the fleet converging, from {@code GET /api/fleet} (what operators see), a few
 * times a second: a progress bar redrawn in place on a terminal, or a new line whenever
 * the counts change (at most one a second) when the output is not a terminal. Prints a
 * line when the whole fleet reaches its destination, when it sets off again (a new
 * revision or rollout), and when a tenant fails or stops failing.
 */
final class FleetWatch {
    enum Outcome { CONVERGED, TIMED_OUT, STOPPED }

    static final Duration POLL = Duration.ofMillis(250);
    private static final long PLAIN_INTERVAL_NANOS = 1_000_000_000L;
    private static final List<String> TROUBLE = List.of("failed", "blocked", "dirty");
    /** Troubled tenants described per state; the rest are counted. */
    private static final int SHOWN = 20;
    private static final String MORE = " more ";

    private final FleetApi api;
    private final int expected;
    private final long startNanos;
    private final PrintWriter out;
    private final boolean terminal;

    private FleetView last;
    private long firstMigratedNanos = -1;
    private long allConvergedNanos = -1;
    private long movedNanos = -1;
    private boolean converged;
    private int drawnLength;
    private String plainKey;
    private long plainAt;
    private String troubleKey = "";
    /** Tenants reported failed, blocked or dirty: how they were described, and their state. */
    private final Map<String, String> troubled = new HashMap<>();
    private final Map<String, String> troubledStates = new HashMap<>();
    private String unavailable;

    /**
     * @param expected   tenants the demo created
     * @param startNanos when the demo started ({@link System#nanoTime()})
     * @param terminal   redraw one line in place (a terminal) or print lines (a log, a pipe)
     */
    FleetWatch(FleetApi api, int expected, long startNanos, PrintWriter out, boolean terminal) {
        this.api = api;
        this.expected = expected;
        this.startNanos = startNanos;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Watches until the fleet is converged (if {@code untilConverged}), {@code stop} says
     * so, or {@code deadlineNanos} passes (only with {@code untilConverged}).
     */
    Outcome run(boolean untilConverged, long deadlineNanos, BooleanSupplier stop) throws InterruptedException {
        while (true) {
            if (stop.getAsBoolean()) {
                endLine();
                return Outcome.STOPPED;
            }
            poll();
            if (untilConverged && converged) {
                return Outcome.CONVERGED;
            }
            if (untilConverged && System.nanoTime() - deadlineNanos > 0) {
                endLine();
                return Outcome.TIMED_OUT;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The last fleet view seen; null if the coordinator never answered. */
    FleetView last() {
        return last;
    }

    /** Seconds from the start to the first tenant converged at the destination; -1 if none yet. */
    double firstMigratedSeconds() {
        return seconds(firstMigratedNanos);
    }

    /** Seconds from the start to the whole fleet converged the first time; -1 if not yet. */
    double allConvergedSeconds() {
        return seconds(allConvergedNanos);
    }

    private void poll() {
        FleetView view;
        try {
            view = api.fleet();
        } catch (SchemafleetException e) {
            if (!e.getMessage().equals(unavailable)) {
                unavailable = e.getMessage();
                message("fleet view unavailable: " + e.getMessage());
            }
            return;
        }
        unavailable = null;
        long now = System.nanoTime();
        last = view;
        if (firstMigratedNanos < 0 && view.destination() != null && view.converged() > 0) {
            firstMigratedNanos = now;
        }
        boolean all = view.allConverged(expected);
        if (all && !converged) {
            draw(view, now, true);
            keepLine();
            if (allConvergedNanos < 0) {
                allConvergedNanos = now;
                message(String.format(Locale.ROOT, "converged: first tenant migrated after %.1f s, all %d converged after"
                        + " %.1f s (at %s)", firstMigratedSeconds(), Math.max(expected, view.reported()),
                        allConvergedSeconds(), view.headsText()));
            } else {
                message(String.format(Locale.ROOT, "all %d converged at %s again, %.1f s after the fleet set off",
                        Math.max(expected, view.reported()), view.headsText(), (now - movedNanos) / 1e9));
            }
        } else if (!all && converged) {
            movedNanos = now;
            message("the fleet sets off for " + view.destination()
                    + (view.headsText().equals(view.destination()) ? "" : " (" + view.headsText() + ")") + ": "
                    + view.converged() + " of " + Math.max(expected, view.reported()) + " there");
        }
        converged = all;
        reportTrouble(view);
        if (!all) {
            draw(view, now, false);
        }
    }

    /** A line for every tenant that newly failed (blocked, dirty), and for every one that stopped failing. */
    private void reportTrouble(FleetView view) {
        StringBuilder key = new StringBuilder();
        TROUBLE.forEach(s -> key.append(s).append(view.inState(s)).append(' '));
        key.append(view.headsText());
        if (key.toString().equals(troubleKey)) {
            return;
        }
        Map<String, String> now = new LinkedHashMap<>(); // by state, then id, as the API lists them
        Map<String, String> states = new HashMap<>();
        try {
            for (String state : TROUBLE) {
                if (view.inState(state) > 0) {
                    for (JsonNode tenant : api.tenants(state, SHOWN).path("tenants")) {
                        now.put(tenant.path("id").asText(), describe(tenant));
                        states.put(tenant.path("id").asText(), state);
                    }
                }
                if (view.inState(state) > SHOWN) {
                    now.put(MORE + state, "... " + (view.inState(state) - SHOWN) + " more " + state
                            + " tenants: GET /api/tenants?state=" + state);
                }
            }
        } catch (SchemafleetException e) {
            return; // try again at the next poll
        }
        troubleKey = key.toString();
        now.forEach((id, description) -> {
            if (!description.equals(troubled.get(id))) {
                message(description);
            }
        });
        Set<String> recovered = new HashSet<>(troubled.keySet());
        recovered.removeAll(now.keySet());
        recovered.removeIf(id -> id.startsWith(MORE));
        recovered.stream().sorted().forEach(id -> message(id + " is no longer " + troubledStates.get(id)));
        troubled.clear();
        troubled.putAll(now);
        troubledStates.clear();
        troubledStates.putAll(states);
    }

    private static String describe(JsonNode tenant) {
        JsonNode error = tenant.path("error");
        StringBuilder line = new StringBuilder(tenant.path("id").asText()).append(' ')
                .append(tenant.path("state").asText());
        if (!error.path("revision").isMissingNode() && !error.path("revision").isNull()) {
            line.append(" at ").append(error.path("revision").asText());
        }
        line.append(" (heads ").append(tenant.path("heads").asText().isEmpty() ? "base" : tenant.path("heads").asText())
                .append(')');
        if (error.isObject()) {
            line.append(": ");
            if (error.hasNonNull("sqlstate")) {
                line.append(error.get("sqlstate").asText()).append(' ');
            }
            line.append(error.path("message").asText(error.path("code").asText()));
        }
        return line.toString();
    }

    private void draw(FleetView view, long now, boolean force) {
        String line = ProgressBar.render(view, expected, (now - startNanos) / 1e9);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            drawnLength = line.length();
            out.flush();
            return;
        }
        String key = view.converged() + " " + view.reported() + " " + view.byState() + " " + view.destination();
        if (force || (!key.equals(plainKey) && now - plainAt >= PLAIN_INTERVAL_NANOS)) {
            out.println(line);
            out.flush();
            plainKey = key;
            plainAt = now;
        }
    }

    /** A line of its own: on a terminal, the progress line is cleared first and redrawn at the next poll. */
    private void message(String text) {
        endLine();
        out.println(text);
        out.flush();
    }

    /** On a terminal, leaves the progress line as it is drawn and moves below it. */
    private void keepLine() {
        if (terminal && drawnLength > 0) {
            out.println();
            drawnLength = 0;
        }
    }

    private void endLine() {
        if (terminal && drawnLength > 0) {
            out.print("\r" + " ".repeat(drawnLength) + "\r");
            drawnLength = 0;
            out.flush();
        }
    }

    private double seconds(long nanos) {
        return nanos < 0 ? -1 : (nanos - startNanos) / 1e9;
    }
}
