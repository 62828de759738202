package io.schemafleet.deploy.bench;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.apply.DdlThrottle;
import io.schemafleet.agent.apply.FleetApplier;
import io.schemafleet.agent.apply.TenantReconciler;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.agent.cli.PlainJdbcFloor;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.RevisionGraph;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The server's work a step, without Kafka or another JVM on the machine: on one
 * connection, N fresh schema tenants through the chain by the floor ({@link PlainJdbcFloor})
 * and by the agent's reconciler (with its fingerprints, as the agent process runs it), each
 * side in a database of its own, twice, the sides alternated; PostgreSQL's CPU a step
 * ({@link ServerCpu}) of each. What the end-to-end ratio cannot go below while the server
 * is the busiest process on both sides.
 */
final class ServerWorkBench {
    private final BenchEnv env;

    ServerWorkBench(BenchEnv env) {
        this.env = env;
    }

    /** Both sides' server CPU a step, the mean of their two runs; empty where the server is not on this machine. */
    record Result(int tenants, Optional<ServerCpu.PerStep> floor, Optional<ServerCpu.PerStep> agent) {
    }

    Result run(int tenants) throws Exception {
        Optional<ServerCpu.PerStep> floor1 = side(tenants, false);
        Optional<ServerCpu.PerStep> agent1 = side(tenants, true);
        Optional<ServerCpu.PerStep> agent2 = side(tenants, true);
        Optional<ServerCpu.PerStep> floor2 = side(tenants, false);
        Result result = new Result(tenants, ServerCpu.PerStep.mean(floor1, floor2), ServerCpu.PerStep.mean(agent1, agent2));
        System.out.printf(Locale.ROOT, "  %d tenants on one connection: server CPU a step, floor %s, agent %s%n", tenants,
                ServerCpu.PerStep.text(result.floor), ServerCpu.PerStep.text(result.agent));
        return result;
    }

    private Optional<ServerCpu.PerStep> side(int tenants, boolean agent) throws Exception {
        String url = env.createDatabase(agent ? "bench_server_agent" : "bench_server_floor");
        List<Tenant> schemas = BenchEnv.createSchemaTenants(url, "sw_", tenants);
        try (Databases pool = new Databases(env.credentials(), 1)) {
            env.checkpoint();
            ServerCpu.Snapshot before = env.serverCpu(url);
            if (agent) {
                FleetApplier applier = new FleetApplier(new TenantReconciler(RevisionGraph.of(env.chain), pool,
                        ApplyOptions.defaults("bench-server"), new DdlThrottle(1),
                        (c, schema) -> SchemaFingerprint.of(c, schema).sha256()), 1);
                List<TenantResult> results = applier.apply(schemas, env.head(), r -> { });
                results.stream().filter(r -> !r.converged()).findFirst().ifPresent(r -> {
                    throw new IllegalStateException("tenant " + r.tenant() + " did not converge: " + r.error());
                });
            } else {
                PlainJdbcFloor.run(pool, schemas, env.chain, 1);
            }
            return ServerCpu.perStep(before, env.serverCpu(url), env.steps(tenants));
        }
    }
}
