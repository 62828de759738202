package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.coordinator.client.FleetClientException;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.graph.RevisionGraphException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;

/**
 * The {@code schemafleet} command: authoring and inspecting a revisions directory, and
 * the fleet commands against a coordinator's API. Exit status: 0 done, 1 the command
 * failed or the answer is no (one line on stderr, or a JSON {@code error} object on
 * stdout with {@code --json}), 2 usage error, including a coordinator that cannot be
 * reached or refuses the token.
 */
@Command(name = "schemafleet", mixinStandardHelpOptions = true, version = "schemafleet 0.1.0",
        description = "Roll database schema revisions across a fleet of tenant databases.",
        subcommands = {InitCommand.class, RevisionCommand.class, MergeCommand.class, CheckCommand.class,
                HeadsCommand.class, HistoryCommand.class, PlanCommand.class, SqlCommand.class,
                PublishCommand.class, RolloutCommand.class, StatusCommand.class, TenantsCommand.class,
                TenantCommand.class, RetryCommand.class, PinCommands.Pin.class, PinCommands.Unpin.class,
                PinCommands.Pins.class, AgentsCommand.class, WatchCommand.class, DriftCommand.class,
                DiffCommand.class, TokenCommand.class})
public final class SchemafleetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    /** The local authoring command line, with Schemafleet's error handling. */
    public static CommandLine commandLine() {
        return commandLine(new ResolveCommand());
    }

    /**
     * The command line with a given {@code resolve} command (the distribution passes one
     * that can also settle dirty tenants) and any further subcommands.
     */
    public static CommandLine commandLine(ResolveCommand resolve, Object... more) {
        CommandLine cli = new CommandLine(new SchemafleetCommand());
        cli.addSubcommand(resolve);
        for (Object command : more) {
            cli.addSubcommand(command);
        }
        cli.setExecutionExceptionHandler(SchemafleetCommand::handle);
        return cli;
    }

    /** Runs a command line and flushes what it printed; returns the exit status. */
    public static int execute(CommandLine cli, String... args) {
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String type;
        String message = null;
        // 1 unless the command says otherwise: diff's 1 means "the schemas differ", so its failures are 2.
        int failed = cmd.getCommandSpec().exitCodeOnExecutionException();
        int exitCode = failed;
        if (e instanceof RevisionGraphException g) {
            type = g.kind().code();
        } else if (e instanceof CliFailure f) {
            type = f.type();
            exitCode = Math.max(f.exitCode(), failed);
        } else if (e instanceof FleetClientException f) {
            type = f.type();
            exitCode = f.isSetupProblem() ? 2 : failed;
        } else if (e instanceof SchemafleetException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException) {
            type = "Error";
        } else if (e instanceof java.nio.file.NoSuchFileException missing) {
            type = "Error";
            message = "no such file: " + missing.getFile();
        } else if (e instanceof java.io.IOException) {
            type = "Error";
        } else {
            type = "InternalError";
            message = "internal error: " + e + " (set SCHEMAFLEET_DEBUG=1 for the stack trace)";
            if (System.getenv("SCHEMAFLEET_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
        }
        if (message == null) {
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        if (cmd.getCommand() instanceof JsonAware aware && aware.json()) {
            // The coordinator's error as it gave it: a script reads its message, not the client's framing.
            if (e instanceof FleetClientException f) {
                message = f.said();
            }
            ObjectNode error = Output.JSON.createObjectNode();
            error.putObject("error").put("type", type).put("message", message);
            Output.printJson(cmd.getOut(), error);
            cmd.getOut().flush();
        } else {
            cmd.getErr().println("error: " + message);
        }
        return exitCode;
    }
}
