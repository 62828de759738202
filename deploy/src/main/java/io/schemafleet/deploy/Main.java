package io.schemafleet.deploy;

import io.schemafleet.agent.cli.AgentCommand;
import io.schemafleet.agent.cli.ApplyCommand;
import io.schemafleet.agent.cli.BenchCommand;
import io.schemafleet.agent.cli.CurrentCommand;
import io.schemafleet.coordinator.cli.CoordinatorCommand;
import io.schemafleet.coordinator.cli.KeysCommand;
import io.schemafleet.coordinator.cli.SchemafleetCommand;
import io.schemafleet.deploy.demo.DemoCommand;
import picocli.CommandLine;

/** Entry point of {@code schemafleet.jar}: every subcommand in one distribution. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SchemafleetCommand.execute(commandLine(), args));
    }

    /** The whole command line, every subcommand: what the jar runs (and what tests run in-process). */
    public static CommandLine commandLine() {
        return SchemafleetCommand.commandLine(new FleetResolveCommand(), new ApplyCommand(), new CurrentCommand(),
                new BenchCommand(), new AgentCommand(), new CoordinatorCommand(), new DemoCommand(), new KeysCommand());
    }
}
