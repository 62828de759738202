package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetClient;
import io.schemafleet.coordinator.client.RolloutAction;
import io.schemafleet.coordinator.client.RolloutPlan;
import io.schemafleet.coordinator.client.WavePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code schemafleet rollout start|show|list|pause|resume|abort}. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Start a rollout, see one or all, or pause, resume or abort one.",
        subcommands = {RolloutCommand.Start.class, RolloutCommand.Show.class, RolloutCommand.ListRollouts.class,
                RolloutCommand.Pause.class, RolloutCommand.Resume.class, RolloutCommand.Abort.class})
final class RolloutCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: start, show, list, pause, resume or abort");
    }

    /** {@code rollout start --to DEST [--wave SPEC]... [--file rollout.yaml] [--supersede]}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a rollout to a destination (POST /api/rollouts), the whole fleet at once or in waves.",
                    "Wave spec: NAME[:label=value]...[:soak=2m][:max-failures=N|N%%][:parallelism=N][:bucket=N%%],"
                            + " or N%% for the wave pN of bucket < N%%. See docs/cli.md."})
    static final class Start extends ApiCommand {
        @Option(names = "--to", paramLabel = "DEST",
                description = "Destination: head, heads, an id, label@head, ... (or `to` in --file).")
        String to;

        @Option(names = "--wave", paramLabel = "SPEC", converter = WaveSpec.Converter.class,
                description = "A wave, in order; repeat for more (e.g. --wave canary:tier=canary:soak=2m:max-failures=0"
                        + " --wave 10%% --wave 100%%).")
        List<WavePlan> waves = new ArrayList<>();

        @Option(names = "--file", paramLabel = "YAML", description = "The rollout as YAML: to, waves, supersede.")
        Path file;

        @Option(names = "--supersede", description = "Replace a rollout that is still running instead of being refused.")
        boolean supersede;

        @Override
        public Integer call() {
            RolloutPlan plan = plan();
            JsonNode answer = client().rollout(plan);
            List<String> lines = new ArrayList<>();
            lines.add("rollout " + answer.path("rollout_id").asText() + " to " + answer.path("to").asText(plan.to())
                    + " started" + previous(answer));
            plan.waves().forEach(w -> lines.add(FleetFormat.wave(w)));
            warnNote(answer); // a wave that selects nobody gates nothing
            return print(answer, lines);
        }

        /**
         * The rollout this one follows: superseded if it was still active, only followed if it
         * had ended (a coordinator that does not say which is taken as before: superseding).
         */
        static String previous(JsonNode answer) {
            if (!answer.hasNonNull("supersedes")) {
                return "";
            }
            String id = answer.get("supersedes").asText();
            String state = answer.path("supersedes_state").asText("");
            return switch (state) {
                case "completed", "aborted", "superseded" -> ", after " + id + " (" + state + ")";
                case "" -> ", superseding " + id;
                default -> ", superseding " + id + " (it was " + state + ")";
            };
        }

        /** The request: from the options, or the file with {@code --to} and {@code --supersede} over it. */
        RolloutPlan plan() {
            List<WavePlan> planned = waves;
            String destination = to;
            boolean replace = supersede;
            if (file != null) {
                if (!waves.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "give the waves with --wave or in --file, not both");
                }
                RolloutFile written = RolloutFile.read(file);
                planned = written.waves();
                destination = to != null ? to : written.to();
                replace = supersede || Boolean.TRUE.equals(written.supersede());
            }
            if (destination == null || destination.isBlank()) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--to=DEST'"
                        + (file == null ? "" : " (or `to` in " + file + ")"));
            }
            Set<String> names = new HashSet<>();
            for (WavePlan wave : planned) {
                if (!names.add(wave.name())) {
                    throw new ParameterException(spec.commandLine(), "two waves are named " + wave.name()
                            + "; name them apart (NAME:...)");
                }
            }
            return new RolloutPlan(destination.strip(), planned, replace);
        }
    }

    /** {@code rollout show [ID]}: a rollout's waves and where their tenants stand. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a rollout (GET /api/rollouts/{id}): its state and each wave's tenants.")
    static final class Show extends ApiCommand {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "The rollout (default: the current one).")
        String id;

        @Override
        public Integer call() {
            FleetClient client = client();
            JsonNode answer = client.rolloutDetail(idOrCurrent(client, id, "show"));
            return print(answer, FleetFormat.rollout(answer));
        }
    }

    /** {@code rollout list [--limit N]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rollouts, newest first.")
    static final class ListRollouts extends ApiCommand {
        @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
                description = "How many, 1 to 100 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            JsonNode answer = client().rollouts(inRange("--limit", limit, 1, 100));
            return print(answer, FleetFormat.rollouts(answer));
        }
    }

    /** {@code id}, or the fleet's current rollout when it is null. */
    private static String idOrCurrent(FleetClient client, String id, String what) {
        if (id != null) {
            return id;
        }
        String current = client.fleet().rollout();
        if (current == null) {
            throw new CliFailure("NotFound", "no rollout to " + what + ": none was ever started");
        }
        return current;
    }

    /** What pause, resume and abort share: the rollout (default: the fleet's current one) and the request. */
    abstract static class Act extends ApiCommand {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "The rollout (default: the current one).")
        String id;

        abstract RolloutAction action();

        @Override
        public Integer call() {
            FleetClient client = client();
            String rollout = idOrCurrent(client, id, action().path());
            JsonNode answer = client.rolloutAction(rollout, action());
            if (action() == RolloutAction.ABORT) {
                // An operator who paused and then aborts may expect the tenants to stay put: they do not.
                warn("tenants the rollout admitted keep going to its destination: an abort stops admitting, not"
                        + " steps, and rolls nothing back (to take them back, start a rollout to where they were)");
            }
            return print(answer, List.of("rollout " + answer.path("rollout_id").asText(rollout) + " "
                    + (answer.hasNonNull("state") ? "is " + answer.get("state").asText() : action().done())));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a rollout: no further wave is admitted and agents start no new step for its"
                    + " tenants (a step under way finishes).")
    static final class Pause extends Act {
        @Override
        RolloutAction action() {
            return RolloutAction.PAUSE;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused rollout.")
    static final class Resume extends Act {
        @Override
        RolloutAction action() {
            return RolloutAction.RESUME;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Abort a rollout for good: no further wave is admitted, but the tenants it admitted keep"
                    + " going to its destination (nothing stops or rolls back); a new rollout may start.")
    static final class Abort extends Act {
        @Override
        RolloutAction action() {
            return RolloutAction.ABORT;
        }
    }
}
