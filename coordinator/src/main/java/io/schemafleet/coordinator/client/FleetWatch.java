package io.schemafleet.coordinator.client;

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
 * revision or rollout), and when a tenant fails or stops failing. Used by
 * {@code schemafleet watch} and the demo.
 */
public final class FleetWatch {
    /** What ends a watch, besides being stopped or timing out. */
    public enum Until {
        /** Nothing: the demo shows the fleet until Ctrl-C. */
        NEVER,
        /** The fleet converged. */
        CONVERGED,
        /**
         * The fleet converged, or it stopped moving: the rollout was halted or aborted, or
         * every tenant is either converged or stuck (failed, blocked, dirty) in this rollout.
         */
        SETTLED,
        /** As {@link #SETTLED}, but also the first tenant stuck in this rollout. */
        FIRST_TROUBLE
    }

    /** How a watch ended. */
    public enum Outcome { CONVERGED, STUCK, HALTED, TIMED_OUT, STOPPED }

    static final Duration POLL = Duration.ofMillis(250);
    private static final long PLAIN_INTERVAL_NANOS = 1_000_000_000L;
    private static final List<String> TROUBLE = List.of("failed", "blocked", "dirty");
    /** Troubled tenants described per state; the rest are counted. */
    private static final int SHOWN = 20;
    private static final String MORE = " more ";

    private final FleetClient api;
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
    /** Troubled tenants whose trouble is from an older rollout (they may yet be retried under this one). */
    private long troubledBefore;
    private String unavailable;
    /** The rollout and its state when last seen ({@code r-2 paused}), so that each change is said once. */
    private String rolloutSeen;

    /**
     * @param expected   tenants that must report before the fleet counts as converged
     * @param startNanos when the watch (or the demo) started ({@link System#nanoTime()})
     * @param terminal   redraw one line in place (a terminal) or print lines (a log, a pipe)
     */
    public FleetWatch(FleetClient api, int expected, long startNanos, PrintWriter out, boolean terminal) {
        this.api = api;
        this.expected = expected;
        this.startNanos = startNanos;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Watches until {@code until} is reached, {@code stop} says so, or {@code timeout}
     * (counted from the start; null for none; not with {@link Until#NEVER}) passes.
     */
    public Outcome run(Until until, Duration timeout, BooleanSupplier stop) throws InterruptedException {
        while (true) {
            if (stop.getAsBoolean()) {
                endLine();
                return Outcome.STOPPED;
            }
            poll();
            if (until != Until.NEVER && converged) {
                return Outcome.CONVERGED;
            }
            if ((until == Until.SETTLED || until == Until.FIRST_TROUBLE) && last != null) {
                if (last.halted()) {
                    showLast();
                    return Outcome.HALTED;
                }
                if (stuck(until == Until.FIRST_TROUBLE)) {
                    showLast();
                    return Outcome.STUCK;
                }
            }
            if (until != Until.NEVER && timeout != null && System.nanoTime() - startNanos - timeout.toNanos() > 0) {
                endLine();
                return Outcome.TIMED_OUT;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Tenants stuck in this rollout, and (unless {@code first}) nothing else moving:
     * every tenant that reported is converged or stuck.
     */
    private boolean stuck(boolean first) {
        long trouble = TROUBLE.stream().mapToLong(last::inState).sum();
        if (trouble == 0 || troubledBefore > 0 || !troubleKey.equals(troubleKey(last))) {
            return false; // none, or some may yet be retried, or not looked at yet
        }
        return first || (last.reported() >= expected && last.settled() + trouble >= last.reported());
    }

    /** Tenants failed, blocked or dirty in the last view. */
    public long troubled() {
        return last == null ? 0 : TROUBLE.stream().mapToLong(last::inState).sum();
    }

    /** The last fleet view seen; null if the coordinator never answered. */
    public FleetView last() {
        return last;
    }

    /** Seconds from the start to the first tenant converged at the destination; -1 if none yet. */
    public double firstMigratedSeconds() {
        return seconds(firstMigratedNanos);
    }

    /** Seconds from the start to the whole fleet converged the first time; -1 if not yet. */
    public double allConvergedSeconds() {
        return seconds(allConvergedNanos);
    }

    /** When the first tenant got to the destination; every tenant may instead have settled at a pin elsewhere. */
    private String firstMigrated() {
        return firstMigratedNanos < 0 ? "no tenant migrated to the destination"
                : String.format(Locale.ROOT, "first tenant migrated after %.1f s", firstMigratedSeconds());
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
        reportRolloutState(view);
        // Tenants that recover are named before the line that says the fleet got there.
        reportTrouble(view);
        if (all && !converged) {
            draw(view, now, true);
            keepLine();
            if (allConvergedNanos < 0) {
                allConvergedNanos = now;
                message(String.format(Locale.ROOT, "converged: %s, all %d converged after %.1f s (at %s%s)",
                        firstMigrated(), Math.max(expected, view.reported()), allConvergedSeconds(),
                        view.headsText(), pinned(view)));
            } else {
                message(String.format(Locale.ROOT, "all %d converged at %s%s, %.1f s after the fleet set off",
                        Math.max(expected, view.reported()), view.headsText(), pinned(view), (now - movedNanos) / 1e9));
            }
        } else if (!all && converged) {
            movedNanos = now;
            message("the fleet sets off for " + view.destinationText() + ": " + view.settled() + " of "
                    + Math.max(expected, view.reported()) + " there" + pinned(view));
        }
        converged = all;
        if (!all) {
            draw(view, now, false);
        }
    }

    /**
     * A line when the rollout is paused (also if it was when the watch began), when it goes on,
     * and when it is halted or aborted while watched: the demo watches until Ctrl-C, and a pause
     * explains a fleet that stopped moving.
     */
    private void reportRolloutState(FleetView view) {
        if (view.rollout() == null || view.rolloutState() == null) {
            return;
        }
        String rollout = view.rollout();
        String state = view.rolloutState();
        String seen = rollout + " " + state;
        if (seen.equals(rolloutSeen)) {
            return;
        }
        boolean watched = rolloutSeen != null;
        boolean wasPaused = watched && rolloutSeen.equals(rollout + " paused");
        rolloutSeen = seen;
        switch (state) {
            case "paused" -> message("rollout " + rollout + " is paused: no tenant takes a new step until it is resumed"
                    + " (schemafleet rollout resume " + rollout + ")");
            case "running" -> {
                if (wasPaused) {
                    message("rollout " + rollout + " is running again");
                }
            }
            case "halted" -> {
                if (watched) {
                    message("rollout " + rollout + " is halted: no further wave (schemafleet rollout show " + rollout
                            + " says why)");
                }
            }
            case "aborted" -> {
                if (watched) {
                    message("rollout " + rollout + " is aborted: no further wave; the tenants it admitted keep going"
                            + " to " + view.destinationText());
                }
            }
            default -> {
                // completed, superseded: the counts say the rest
            }
        }
    }

    /** {@code , 1 of them held at a pin elsewhere}, or nothing. */
    private static String pinned(FleetView view) {
        return view.pinnedElsewhere() == 0 ? "" : ", " + view.pinnedElsewhere() + " of them held at a pin elsewhere";
    }

    /** A line for every tenant that newly failed (blocked, dirty), and for every one that stopped failing. */
    private void reportTrouble(FleetView view) {
        String key = troubleKey(view);
        // A tenant whose failure is from an older rollout may fail again under this one without
        // any count changing: until none is left, look at the tenants themselves on every poll.
        if (key.equals(troubleKey) && troubledBefore == 0) {
            return;
        }
        long before = 0;
        Map<String, String> now = new LinkedHashMap<>(); // by state, then id, as the API lists them
        Map<String, String> states = new HashMap<>();
        try {
            for (String state : TROUBLE) {
                if (view.inState(state) > 0) {
                    for (JsonNode tenant : api.tenants(state, null, 0, SHOWN).path("tenants")) {
                        now.put(tenant.path("id").asText(), describe(tenant));
                        states.put(tenant.path("id").asText(), state);
                        String rollout = tenant.path("rollout_id").asText(null);
                        if (rollout != null && view.rollout() != null && !rollout.equals(view.rollout())) {
                            before++;
                        }
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
        troubleKey = key;
        troubledBefore = before;
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

    /** Changes whenever the troubled tenants may have: their counts, the rollout, the destination's heads. */
    private static String troubleKey(FleetView view) {
        StringBuilder key = new StringBuilder();
        TROUBLE.forEach(s -> key.append(s).append(view.inState(s)).append(' '));
        return key.append(view.rollout()).append(' ').append(view.headsText()).toString();
    }

    /** {@code t25 failed at 9a2355b7dd59 (heads 5e656b9e303b): 42P07 relation "audit_log" already exists}. */
    public static String describe(JsonNode tenant) {
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
        String key = plainKey(view);
        if (force || (!key.equals(plainKey) && now - plainAt >= PLAIN_INTERVAL_NANOS)) {
            out.println(line);
            out.flush();
            plainKey = key;
            plainAt = now;
        }
    }

    /** Leaves the last view's progress line shown for good. */
    private void showLast() {
        if (!terminal) {
            String key = plainKey(last);
            if (!key.equals(plainKey)) {
                draw(last, System.nanoTime(), true);
            }
        }
        keepLine();
    }

    private static String plainKey(FleetView view) {
        return view.converged() + " " + view.reported() + " " + view.byState() + " " + view.destination();
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
