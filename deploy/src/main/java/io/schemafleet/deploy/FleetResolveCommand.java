package io.schemafleet.deploy;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.apply.DirtyResolver;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.store.PendingStep;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.tenant.JdbcUrls;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.coordinator.cli.ResolveCommand;
import io.schemafleet.protocol.graph.RevisionGraph;
import picocli.CommandLine.Command;

/** {@code resolve} with the agent at hand: also settles dirty tenants. */
@Command(name = "resolve", mixinStandardHelpOptions = true)
final class FleetResolveCommand extends ResolveCommand {
    @Override
    protected int resolveTenant(RevisionGraph graph, TenantResolution r) throws Exception {
        String agentId = "operator@" + System.getProperty("user.name", "unknown");
        JdbcUrls.requirePostgres(r.db); // refused in words, and without the password a libpq URL carries
        ApplyOptions options = ApplyOptions.defaults(agentId).withLayout(VersionLayout.named(r.versionTable));
        Tenant tenant = r.databaseTenant ? Tenant.database(r.db, r.tenant) : Tenant.schema(r.db, r.tenant);
        DirtyResolver.Resolution resolution = r.mark.applied
                ? DirtyResolver.Resolution.MARK_APPLIED : DirtyResolver.Resolution.MARK_ROLLED_BACK;
        try (Databases pools = new Databases(DbCredentials.fromEnvironment(), 1)) {
            PendingStep step = new DirtyResolver(graph, pools, options).resolve(tenant, resolution);
            spec.commandLine().getOut().printf("tenant %s: %s of %s marked %s%n", tenant.id(), step.direction(),
                    step.revision(), r.mark.applied ? "applied" : "rolled back");
        }
        return 0;
    }
}
