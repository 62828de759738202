package io.schemafleet.agent.cli;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.apply.DdlThrottle;
import io.schemafleet.agent.apply.Fingerprinter;
import io.schemafleet.agent.apply.FleetApplier;
import io.schemafleet.agent.apply.TenantReconciler;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.tenant.Identifiers;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.Revision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet bench}: converges N fresh schema tenants through M realistic
 * revisions with the agent and, in the same run, with plain JDBC running the same SQL
 * at the same parallelism (the floor), then re-checks the converged fleet, cleans up
 * and prints the figures. The last line is {@code agent X s, floor Y s, ratio Z}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the agent against plain JDBC (the floor) on fresh schema tenants.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "JDBC_URL",
            description = "A database to create benchmark schemas in (credentials from SCHEMAFLEET_DB_USER/_PASSWORD).")
    String db;

    @Option(names = "--tenants", defaultValue = "100", description = "Schema tenants per side (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--revisions", defaultValue = "20", description = "Revisions in the chain (default: ${DEFAULT-VALUE}).")
    int revisions;

    @Option(names = "--parallel", defaultValue = "4", description = "Tenants at once, for both sides (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--prefix", defaultValue = "sfbench", description = "Schema name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Identifiers.requireSafe(prefix, "schema prefix");
        if (tenants < 1 || revisions < 1 || parallel < 1) {
            throw new SchemafleetException("--tenants, --revisions and --parallel must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Revision> chain = BenchRevisions.generate(revisions);
        RevisionGraph graph = RevisionGraph.of(chain);
        String head = chain.get(chain.size() - 1).id();
        try (Databases pools = new Databases(DbCredentials.fromEnvironment(), parallel)) {
            List<Tenant> warmAgent = schemas(pools, prefix + "_wa_", Math.min(10, tenants));
            List<Tenant> warmFloor = schemas(pools, prefix + "_wf_", Math.min(10, tenants));
            List<Tenant> agentSide = schemas(pools, prefix + "_a_", tenants);
            List<Tenant> floorSide = schemas(pools, prefix + "_f_", tenants);
            try {
                ApplyOptions options = ApplyOptions.defaults("bench@" + Hosts.name());
                FleetApplier agent = new FleetApplier(new TenantReconciler(graph, pools, options,
                        new DdlThrottle(parallel), Fingerprinter.NONE), parallel);
                agent.apply(warmAgent, head, r -> { });
                PlainJdbcFloor.run(pools, warmFloor, chain, parallel);

                // Alternate the sides in rounds (floor first, then agent first, ...) so that drift
                // in the server (caches, checkpoints, catalog growth) falls on both equally.
                int rounds = Math.min(4, tenants);
                double floorSeconds = 0;
                double agentSeconds = 0;
                List<TenantResult> results = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    List<Tenant> floorPart = slice(floorSide, round, rounds);
                    List<Tenant> agentPart = slice(agentSide, round, rounds);
                    for (int side = 0; side < 2; side++) {
                        boolean floorNow = (side == 0) == (round % 2 == 0);
                        long t = System.nanoTime();
                        if (floorNow) {
                            PlainJdbcFloor.run(pools, floorPart, chain, parallel);
                            floorSeconds += (System.nanoTime() - t) / 1e9;
                        } else {
                            results.addAll(agent.apply(agentPart, head, r -> { }));
                            agentSeconds += (System.nanoTime() - t) / 1e9;
                        }
                    }
                }
                long failed = results.stream().filter(r -> !r.converged()).count();
                if (failed > 0) {
                    throw new SchemafleetException(failed + " tenants did not converge in the benchmark: "
                            + results.stream().filter(r -> !r.converged()).findFirst().orElseThrow().error());
                }

                long t2 = System.nanoTime();
                agent.apply(agentSide, head, r -> { });
                double recheckMsPerTenant = (System.nanoTime() - t2) / 1e6 / tenants;

                out.printf(Locale.ROOT, "tenants %d, revisions %d, parallel %d, steps %d per side%n",
                        tenants, revisions, parallel, tenants * revisions);
                out.printf(Locale.ROOT, "floor (plain JDBC, same SQL): %.2f s, %.2f ms per step%n",
                        floorSeconds, floorSeconds * 1000 / (tenants * revisions) * parallel);
                out.printf(Locale.ROOT, "agent: %.2f s, %.2f ms per step%n",
                        agentSeconds, agentSeconds * 1000 / (tenants * revisions) * parallel);
                out.printf(Locale.ROOT, "re-check of the converged fleet: %.2f ms per tenant (at parallel %d)%n",
                        recheckMsPerTenant, parallel);
                out.printf(Locale.ROOT, "agent %.2f s, floor %.2f s, ratio %.2f%n",
                        agentSeconds, floorSeconds, agentSeconds / floorSeconds);
            } finally {
                drop(pools, warmAgent, warmFloor, agentSide, floorSide);
            }
        }
        out.flush();
        return 0;
    }

    private static List<Tenant> slice(List<Tenant> all, int round, int rounds) {
        int size = all.size();
        return all.subList(size * round / rounds, size * (round + 1) / rounds);
    }

    private List<Tenant> schemas(Databases pools, String namePrefix, int n) throws SQLException {
        List<Tenant> out = new ArrayList<>();
        try (Connection c = pools.open(db); Statement st = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                Tenant t = Tenant.schema(db, String.format(Locale.ROOT, "%s%05d", namePrefix, i));
                st.addBatch("DROP SCHEMA IF EXISTS " + t.quotedSchema() + " CASCADE");
                st.addBatch("CREATE SCHEMA " + t.quotedSchema());
                out.add(t);
            }
            st.executeBatch();
        }
        return out;
    }

    @SafeVarargs
    private void drop(Databases pools, List<Tenant>... sets) throws SQLException {
        try (Connection c = pools.open(db); Statement st = c.createStatement()) {
            for (List<Tenant> set : sets) {
                for (Tenant t : set) {
                    st.execute("DROP SCHEMA IF EXISTS " + t.quotedSchema() + " CASCADE");
                }
            }
        }
    }
}
