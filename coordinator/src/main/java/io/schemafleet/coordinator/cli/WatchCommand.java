package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetClient;
import io.schemafleet.coordinator.client.FleetClientException;
import io.schemafleet.coordinator.client.FleetView;
import io.schemafleet.coordinator.client.FleetWatch;
import io.schemafleet.protocol.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet watch}: the fleet's progress until it reaches its destination
 * (exit 0) or stops short of it (exit 1), for a person or a CD pipeline.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Show the fleet's progress until it is at the destination (exit 0) or stops short (exit 1).",
                "Stopping short: the rollout halted or was aborted, every tenant left is stuck (failed, blocked,",
                "dirty), or --timeout passed. A progress bar on a terminal; a line per change otherwise."})
final class WatchCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArg.class,
            description = "Give up (exit 1) after this long, e.g. 30m (default: no limit).")
    Duration timeout;

    @Option(names = "--expect", defaultValue = "1", paramLabel = "N",
            description = "Tenants that must have reported before the fleet counts as converged (default: ${DEFAULT-VALUE}).")
    int expect;

    @Option(names = "--fail-fast", description = "Exit 1 at the first tenant stuck in this rollout, not once the rest settle.")
    boolean failFast;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (expect < 0) {
            throw new ParameterException(spec.commandLine(), "--expect must be 0 or more");
        }
        long start = System.nanoTime();
        FleetClient client = api.client();
        client.fleet(); // a wrong URL or token fails here, at once, rather than being retried until --timeout
        PrintWriter out = spec.commandLine().getOut();
        FleetWatch watch = new FleetWatch(client, expect, start, out, System.console() != null);
        FleetWatch.Outcome outcome = watch.run(failFast ? FleetWatch.Until.FIRST_TROUBLE : FleetWatch.Until.SETTLED,
                timeout, () -> false);
        if (outcome == FleetWatch.Outcome.CONVERGED) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + why(outcome, watch.last(), client));
        err.flush();
        return 1;
    }

    private String why(FleetWatch.Outcome outcome, FleetView last, FleetClient client) {
        String where = last == null ? "the coordinator never answered GET /api/fleet"
                : last.settled() + " of " + Math.max(expect, last.reported()) + " tenants at "
                        + (last.destination() == null ? "no destination (no rollout yet)"
                        : last.destinationText())
                        + (last.paused() ? " (rollout " + last.rollout() + " is paused)" : "");
        return switch (outcome) {
            case HALTED -> "rollout " + last.rollout() + " is " + last.rolloutState() + haltReason(client, last.rollout())
                    + "; " + where;
            case STUCK -> where + "; " + stuck(last) + ": see `schemafleet tenants --state failed`, then"
                    + (last.paused() ? " `schemafleet rollout resume " + last.rollout()
                    + "` and" : "") + " `schemafleet retry TENANT` once fixed";
            case TIMED_OUT -> "not converged within " + Durations.format(timeout) + ": " + where;
            default -> "stopped: " + where;
        };
    }

    private static String stuck(FleetView last) {
        StringBuilder text = new StringBuilder();
        for (String state : new String[] {"failed", "blocked", "dirty"}) {
            if (last.inState(state) > 0) {
                text.append(text.length() == 0 ? "" : ", ").append(last.inState(state)).append(' ').append(state);
            }
        }
        return text.toString();
    }

    /** {@code : wave canary has 2 failed tenants, its budget is 0}, as the rollout's detail says; empty if unknown. */
    private static String haltReason(FleetClient client, String rollout) {
        try {
            JsonNode detail = client.rolloutDetail(rollout);
            return detail.hasNonNull("halt_reason") ? ": " + detail.get("halt_reason").asText() : "";
        } catch (FleetClientException e) {
            return ""; // a coordinator without GET /api/rollouts/{id}: the state alone says enough
        }
    }
}
