package io.schemafleet.coordinator.rollout;

import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RolloutCompleted;
import io.schemafleet.protocol.event.RolloutHalted;
import io.schemafleet.protocol.event.Wave;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.event.WaveConverged;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The rollout engine's decisions, a pure function of a running rollout, its waves'
 * counts and the time: at most one transition per call, which the caller appends; the
 * projection applies it and the next call sees the result. For the current wave (the
 * newest admitted one):
 * <ol>
 *   <li>more failed tenants than its budget → {@link RolloutHalted} with the reason;</li>
 *   <li>not yet converged and every tenant converged or failed → {@link WaveConverged}
 *       (its soak starts);</li>
 *   <li>converged and soaked → {@link WaveAdmitted} for the next wave, or
 *       {@link RolloutCompleted} after the last.</li>
 * </ol>
 * A rollout that is not running (paused, halted, aborted, completed, superseded) gets no decision.
 */
public final class RolloutEngine {
    /** How much of a failed tenant's error message a halt reason shows. */
    static final int SHOWN_MESSAGE = 200;

    private RolloutEngine() {
    }

    /**
     * @param counts        by wave index
     * @param failedTenants examples of a wave's failed tenants, for the halt reason, each
     *                      as {@link #failedTenant} writes it
     */
    public static Optional<EventBody> decide(RolloutRow rollout, List<WaveCounts> counts, Instant now,
                                             IntFunction<List<String>> failedTenants) {
        if (!rollout.state().equals("running") || rollout.admitted() == 0) {
            return Optional.empty();
        }
        int current = Math.min(rollout.admitted(), rollout.waves().size()) - 1;
        Wave wave = rollout.waves().get(current);
        WaveCounts c = counts.get(current);
        int budget = wave.failureBudget((int) Math.min(Integer.MAX_VALUE, c.tenants()));
        if (c.failed() > budget) {
            return Optional.of(new RolloutHalted(rollout.id(), wave.name(), "wave " + wave.name() + ": " + c.failed()
                    + " of " + c.tenants() + " tenants failed, more than its budget of " + budget + " ("
                    + budgetText(wave) + "); failed: " + String.join(", ", failedTenants.apply(current))));
        }
        Instant convergedAt = rollout.convergedAt(current);
        if (convergedAt == null) {
            if (c.settled()) {
                return Optional.of(new WaveConverged(rollout.id(), wave.name(), current, (int) c.tenants(),
                        (int) c.failed()));
            }
            return Optional.empty();
        }
        Duration soak = wave.soak() == null ? Duration.ZERO : wave.soak();
        if (now.isBefore(convergedAt.plus(soak))) {
            return Optional.empty();
        }
        if (current + 1 < rollout.waves().size()) {
            return Optional.of(new WaveAdmitted(rollout.id(), rollout.waves().get(current + 1).name(), current + 1));
        }
        return Optional.of(new RolloutCompleted(rollout.id()));
    }

    /**
     * One failed tenant as the halt reason names it: {@code tenant (code: message)}, or
     * {@code tenant (code SQLSTATE: message)} when the failure has a SQLSTATE, e.g.
     * {@code d_1 (sql_failed 42P07: ERROR: relation "ix_slow2" already exists)}. The
     * message is cut after {@value #SHOWN_MESSAGE} characters.
     *
     * @param sqlstate null when the failure is not a PostgreSQL error
     * @param message  null reads as empty
     */
    public static String failedTenant(String tenant, String code, String sqlstate, String message) {
        String text = message == null ? ""
                : message.length() > SHOWN_MESSAGE ? message.substring(0, SHOWN_MESSAGE) + "..." : message;
        return tenant + " (" + code + (sqlstate == null || sqlstate.isBlank() ? "" : " " + sqlstate.strip()) + ": "
                + text + ")";
    }

    private static String budgetText(Wave wave) {
        if (wave.maxFailures() != null && wave.maxFailuresPercent() != null) {
            return "max_failures " + wave.maxFailures() + ", max_failures_percent " + wave.maxFailuresPercent();
        }
        return wave.maxFailures() != null ? "max_failures " + wave.maxFailures()
                : "max_failures_percent " + wave.maxFailuresPercent();
    }
}
