package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** A fleet command: talks to the coordinator's API; {@code --json} prints the API's answer as it came. */
abstract class ApiCommand implements Callable<Integer>, JsonAware {
    @Mixin
    ApiOptions api;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public boolean json() {
        return output.json;
    }

    FleetClient client() {
        return api.client();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** {@code value}, if it is {@code min} to {@code max}; otherwise a usage error naming {@code option}. */
    int inRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " must be " + min + " to " + max + ", got "
                    + value);
        }
        return value;
    }

    /** A {@code warning:} on stderr, unless {@code --json} (the answer carries it then). */
    void warn(String warning) {
        if (!output.json) {
            spec.commandLine().getErr().println("warning: " + warning);
        }
    }

    /** {@link #warn}s the answer's {@code note}, if it has one: what the coordinator says the caller should know. */
    void warnNote(JsonNode answer) {
        if (answer.hasNonNull("note")) {
            warn(answer.get("note").asText());
        }
    }

    /** The answer as JSON with {@code --json}, else the lines. */
    int print(JsonNode answer, List<String> lines) {
        if (output.json) {
            Output.printJson(out(), answer);
        } else {
            lines.forEach(out()::println);
        }
        return 0;
    }
}
