package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.schemafleet.protocol.graph.RevisionGraph;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet resolve SYMBOL}: the revisions a symbol names. With
 * {@code --db … --tenant … --mark-applied|--mark-rolled-back} it settles a dirty tenant
 * instead; that needs the agent, which the distribution supplies by overriding
 * {@link #resolveTenant}.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true, description = {
        "Show the revisions a symbol names (head, heads, base, prefix, label@head, -1, ...).",
        "With --db/--tenant and --mark-applied or --mark-rolled-back: settle a dirty tenant."})
public class ResolveCommand implements Callable<Integer>, JsonAware {
    @Mixin
    RevisionsDir dir;

    @Mixin
    Output output;

    @Parameters(paramLabel = "SYMBOL", arity = "0..1")
    String symbol;

    /** Options for settling a dirty tenant. */
    public static final class TenantResolution {
        @Option(names = "--db", required = true, paramLabel = "JDBC_URL",
                description = "JDBC URL of the tenant's database (credentials from SCHEMAFLEET_DB_USER/_PASSWORD).")
        public String db;

        @Option(names = "--tenant", required = true, paramLabel = "ID",
                description = "The tenant: its schema name (or, with --database-tenant, its database).")
        public String tenant;

        @Option(names = "--database-tenant", description = "The tenant is the whole database (schema public).")
        public boolean databaseTenant;

        @Option(names = "--version-table", defaultValue = "schemafleet_version",
                description = "schemafleet_version (default) or alembic_version.")
        public String versionTable;

        @ArgGroup(exclusive = true, multiplicity = "1")
        public Mark mark;
    }

    /** Exactly one of the two declarations. */
    public static final class Mark {
        @Option(names = "--mark-applied", required = true,
                description = "The step did complete (or was finished by hand): record its version change.")
        public boolean applied;

        @Option(names = "--mark-rolled-back", required = true,
                description = "What the step left is undone (or it left nothing): keep the version.")
        public boolean rolledBack;
    }

    @ArgGroup(exclusive = false)
    TenantResolution resolution;

    @Spec
    protected CommandSpec spec;

    @Override
    public boolean json() {
        return output.json;
    }

    @Override
    public Integer call() throws Exception {
        if (resolution != null) {
            if (symbol != null) {
                throw new ParameterException(spec.commandLine(), "give either SYMBOL or --tenant, not both");
            }
            return resolveTenant(dir.publishedGraph("settling a dirty tenant needs the revision its step ran"),
                    resolution);
        }
        if (symbol == null) {
            throw new ParameterException(spec.commandLine(), "missing SYMBOL");
        }
        RevisionGraph graph = dir.graph();
        ArrayNode ids = Output.JSON.createArrayNode();
        for (Optional<String> id : graph.resolve(symbol)) {
            if (id.isPresent()) {
                ids.add(id.get());
            } else {
                ids.addNull();
            }
        }
        if (output.json) {
            Output.printJson(spec.commandLine().getOut(), ids);
        } else {
            ids.forEach(id -> spec.commandLine().getOut().println(id.isNull() ? "(past base)" : id.asText()));
        }
        return 0;
    }

    /** Settles a dirty tenant; this build has no agent, so it says so. */
    protected int resolveTenant(RevisionGraph graph, TenantResolution resolution) throws Exception {
        throw new CliFailure("CommandError", "settling a dirty tenant needs the agent: use deploy/target/schemafleet.jar");
    }
}
