package io.schemafleet.deploy.demo;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.tenant.DatabasePatternDiscovery;
import io.schemafleet.agent.tenant.Discovery;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.tenant.TenantSource;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.TrustPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the demo's two agents: the same {@link AgentLoop} that {@code schemafleet agent}
 * runs, in this JVM, with its own connection pools.
 *
 * <ul>
 *   <li>{@code agent-1}: the schemas {@code tenant_%} of {@code fleet_a};</li>
 *   <li>{@code agent-2}: the schemas {@code tenant_%} of {@code fleet_b} and the databases
 *       {@code tenantdb_%} (database tenants).</li>
 * </ul>
 */
final class DemoAgent implements AutoCloseable {
    /** Tenants worked on at once per agent, and steps at once per server per agent. */
    static final int PARALLEL = 4;
    static final Duration RESYNC = Duration.ofSeconds(10);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final Databases pools;
    private final AgentLoop loop;

    private DemoAgent(Databases pools, AgentLoop loop) {
        this.pools = pools;
        this.loop = loop;
    }

    static DemoAgent first(DemoPostgres server, String kafkaBootstrap, TrustPolicy trust) {
        return start("agent-1", server, kafkaBootstrap, trust,
                pools -> new SchemaPatternDiscovery(pools, server.jdbcUrl(TenantLayout.DATABASE_A), TenantLayout.SCHEMA_PATTERN));
    }

    static DemoAgent second(DemoPostgres server, String kafkaBootstrap, TrustPolicy trust) {
        return start("agent-2", server, kafkaBootstrap, trust, pools -> new Combined(List.of(
                new SchemaPatternDiscovery(pools, server.jdbcUrl(TenantLayout.DATABASE_B), TenantLayout.SCHEMA_PATTERN),
                new DatabasePatternDiscovery(pools, server.jdbcUrl("postgres"), TenantLayout.DATABASE_PATTERN))));
    }

    private static DemoAgent start(String id, DemoPostgres server, String kafkaBootstrap, TrustPolicy trust,
                                   java.util.function.Function<Databases, TenantSource> source) {
        Databases pools = new Databases(new DbCredentials(DemoPostgres.USER, null), PARALLEL);
        try {
            AgentSettings settings = new AgentSettings(Topics.withPrefix(Topics.DEFAULT_PREFIX),
                    Map.of("bootstrap.servers", kafkaBootstrap, "client.id", id), RESYNC, HEARTBEAT, PARALLEL, PARALLEL,
                    ApplyOptions.defaults(id), trust);
            AgentLoop loop = new AgentLoop(settings, source.apply(pools), pools,
                    (c, schema) -> SchemaFingerprint.of(c, schema).sha256());
            loop.start();
            return new DemoAgent(pools, loop);
        } catch (RuntimeException e) {
            pools.close();
            throw e;
        }
    }

    /** Stops the loop (a step in flight finishes first), then closes the pools. */
    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            pools.close();
        }
    }

    /** Several tenant sources as one: tenants and refusals of each, in order. */
    private record Combined(List<TenantSource> sources) implements TenantSource {
        @Override
        public List<Tenant> tenants() {
            return discover().tenants();
        }

        @Override
        public Discovery discover() {
            List<Tenant> tenants = new ArrayList<>();
            List<Discovery.Refusal> refused = new ArrayList<>();
            for (TenantSource source : sources) {
                Discovery d = source.discover();
                tenants.addAll(d.tenants());
                refused.addAll(d.refused());
            }
            return new Discovery(tenants, refused);
        }
    }
}
