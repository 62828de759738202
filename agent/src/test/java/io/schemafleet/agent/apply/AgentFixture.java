package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.graph.RevisionGraph;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A revision graph, a connection pool and the wiring of a reconciler, for agent tests. */
final class AgentFixture implements AutoCloseable {
    final RevisionGraph graph = RevisionGraph.of(FleetRevisions.all());
    final Databases databases = new Databases(DbCredentials.NONE, 8);

    static ApplyOptions options(String agentId) {
        return ApplyOptions.defaults(agentId).withRetries(5, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    TenantReconciler reconciler(ApplyOptions options) {
        return new TenantReconciler(graph, databases, options, new DdlThrottle(4), Fingerprinter.NONE);
    }

    FleetApplier fleet(String agentId, int parallel) {
        return new FleetApplier(reconciler(options(agentId)), parallel);
    }

    /** Creates {@code n} schemas {@code tenant_000..} in the database and returns them as tenants. */
    static List<Tenant> schemaTenants(TestDatabase db, int n) throws SQLException {
        List<Tenant> tenants = new ArrayList<>();
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String schema = String.format("tenant_%03d", i);
            ddl.append("CREATE SCHEMA ").append(schema).append(';');
            tenants.add(Tenant.schema(db.url(), schema));
        }
        db.execute(ddl.toString());
        return tenants;
    }

    List<String> rows(Tenant tenant) throws SQLException {
        try (Connection c = databases.open(tenant.jdbcUrl())) {
            return new TenantStore(tenant, VersionLayout.SCHEMAFLEET).rows(c).stream().sorted().toList();
        }
    }

    List<HistoryRow> history(Tenant tenant) throws SQLException {
        try (Connection c = databases.open(tenant.jdbcUrl())) {
            return new TenantStore(tenant, VersionLayout.SCHEMAFLEET).history(c);
        }
    }

    @Override
    public void close() {
        databases.close();
    }
}
