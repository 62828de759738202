package io.schemafleet.deploy;

import io.schemafleet.agent.cli.AgentCommand;
import io.schemafleet.agent.cli.ApplyCommand;
import io.schemafleet.agent.cli.BenchCommand;
import io.schemafleet.agent.cli.CurrentCommand;
import io.schemafleet.coordinator.cli.CoordinatorCommand;
import io.schemafleet.coordinator.cli.KeysCommand;
import io.schemafleet.coordinator.cli.SchemafleetCommand;
import io.schemafleet.deploy.demo.DemoCommand;

/** Entry point of {@code schemafleet.jar}: every subcommand in one distribution. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        var cli = SchemafleetCommand.commandLine(new FleetResolveCommand(),
                new ApplyCommand(), new CurrentCommand(), new BenchCommand(), new AgentCommand(), new CoordinatorCommand(),
                new DemoCommand(), new KeysCommand());
        System.exit(SchemafleetCommand.execute(cli, args));
    }
}
