package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code schemafleet sql upgrade|downgrade DEST}: the offline SQL script, as {@code alembic upgrade --sql}. */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Print the SQL of upgrade/downgrade DEST, with version-table statements, for review.")
final class SqlCommand implements Callable<Integer> {
    enum Op { upgrade, downgrade }

    @Mixin
    RevisionsDir dir;

    @Mixin
    FromOption from;

    @Parameters(index = "0", paramLabel = "OP", description = "upgrade or downgrade.")
    Op op;

    @Parameters(index = "1", paramLabel = "DEST")
    String destination;

    @Option(names = "--version-table", defaultValue = "schemafleet_version",
            description = "Version table name (default: ${DEFAULT-VALUE}; alembic_version to match Alembic).")
    String versionTable;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RevisionGraph graph = dir.graph();
        MigrationPlanner planner = new MigrationPlanner(graph);
        Plan plan = op == Op.upgrade ? planner.upgrade(destination, from.rows())
                : planner.downgrade(destination, from.rows());
        OfflineSql script = new OfflineSql(versionTable);
        spec.commandLine().getOut().print(script.render(op.name(), destination, from.rows(), plan));
        return 0;
    }
}
