package io.schemafleet.deploy;

import io.schemafleet.coordinator.cli.SchemafleetCommand;

/** Entry point of {@code schemafleet.jar}: every subcommand in one distribution. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SchemafleetCommand.execute(SchemafleetCommand.commandLine(), args));
    }
}
