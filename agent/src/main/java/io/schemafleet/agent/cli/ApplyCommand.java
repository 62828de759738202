package io.schemafleet.agent.cli;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.apply.DdlThrottle;
import io.schemafleet.agent.apply.FleetApplier;
import io.schemafleet.agent.apply.TenantReconciler;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.revision.RevisionDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet apply}: bring every selected tenant to a destination now, locally,
 * without Kafka or a coordinator. Exit status 0 only if every tenant got there.
 */
@Command(name = "apply", mixinStandardHelpOptions = true, description = "Bring every tenant to a destination now (one-shot, no Kafka).")
public final class ApplyCommand implements Callable<Integer> {
    @Mixin
    TenantSelection selection;

    @Option(names = "--dir", defaultValue = "versions", paramLabel = "DIR", description = "Revisions directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--to", required = true, paramLabel = "DEST", description = "Destination: head, heads, base, a revision, label@head, ...")
    String destination;

    @Mixin
    ApplyTuning tuning;

    @Option(names = "--agent-id", description = "Recorded in history rows (default: apply@<host>).")
    String agentId;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    @Option(names = "--no-progress", description = "No live progress line.")
    boolean noProgress;

    @Option(names = "--watch", paramLabel = "INTERVAL", converter = DurationConverter.class,
            description = "Keep going: discover tenants and converge them again every INTERVAL (e.g. 30s) until "
                    + "stopped, so new tenants are brought to the destination without anyone asking.")
    Duration watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RevisionGraph graph = RevisionGraph.of(RevisionDirectory.loadValid(dir).revisions());
        refuseUnknownDestination(graph);
        ApplyOptions options = tuning.options(agentId != null ? agentId : "apply@" + Hosts.name(), selection.layout());
        try (Databases pools = new Databases(DbCredentials.fromEnvironment(), tuning.parallel, options.readTimeout())) {
            TenantReconciler reconciler = new TenantReconciler(graph, pools, options, new DdlThrottle(tuning.ddlPerServer()),
                    (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
            FleetApplier fleet = new FleetApplier(reconciler, tuning.parallel);
            if (watch == null) {
                return pass(pools, fleet, !noProgress && !json);
            }
            while (!Thread.currentThread().isInterrupted()) {
                int status = pass(pools, fleet, false);
                spec.commandLine().getErr().printf("%s pass done (status %d); next in %s%n", java.time.Instant.now(),
                        status, watch);
                spec.commandLine().getErr().flush();
                try {
                    Thread.sleep(watch.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }
    }

    /**
     * A destination that names nothing in the graph is a mistake in the command, not something
     * to find out tenant by tenant (each would be reported blocked). Relative ones ({@code -1},
     * {@code label@+2}) depend on where each tenant is, so only the others are checked here.
     */
    private void refuseUnknownDestination(RevisionGraph graph) {
        if (MigrationPlanner.relativeToCurrent(destination)) {
            if (watch != null) {
                // Every pass would count from where the last one left the tenants: -1 would walk them to base.
                throw new ParameterException(spec.commandLine(), "--to " + destination + " counts from where each"
                        + " tenant is, so --watch would move them again at every pass: name a revision");
            }
            return;
        }
        try {
            new MigrationPlanner(graph).upgrade(destination, List.of());
        } catch (RevisionGraphException e) {
            if (e.kind() == RevisionGraphException.Kind.RESOLUTION_ERROR) {
                throw new ParameterException(spec.commandLine(), "--to " + destination + ": " + e.getMessage());
            }
        }
    }

    /** Discovers the tenants and converges them once; 0 if all converged. */
    private int pass(Databases pools, FleetApplier fleet, boolean showProgress) throws Exception {
        var err = spec.commandLine().getErr();
        List<Tenant> tenants = selection.resolve(pools, err);
        if (tenants.isEmpty()) {
            err.println("error: no tenants selected");
            return 1;
        }
        ProgressLine progress = new ProgressLine(err, tenants.size(), showProgress);
        List<TenantResult> results = fleet.apply(tenants, destination, progress::accept);
        if (json) {
            ResultsReport.json(spec.commandLine().getOut(), results);
        } else {
            ResultsReport.table(spec.commandLine().getOut(), results);
        }
        return results.stream().allMatch(TenantResult::converged) ? 0 : 1;
    }
}
