package io.schemafleet.agent.tenant;

import java.util.Map;
import java.util.Objects;

/**
 * One tenant the agent keeps at its destination.
 *
 * @param id       unique among the agent's tenants: the schema name for a schema tenant,
 *                 the database name for a database tenant
 * @param kind     schema or database
 * @param jdbcUrl  JDBC URL of the tenant's database (credentials come from the agent's
 *                 configuration, never from here)
 * @param schema   the schema holding the tenant's tables and Schemafleet's version and
 *                 history tables ({@code public} for a database tenant unless configured)
 * @param labels   labels for rollout waves ({@code tier=canary}, ...)
 */
public record Tenant(String id, TenantKind kind, String jdbcUrl, String schema, Map<String, String> labels) {
    public Tenant {
        Identifiers.requireSafe(id, "tenant id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Identifiers.requireSafe(schema, "schema name");
        labels = Map.copyOf(labels);
    }

    public static Tenant schema(String jdbcUrl, String schema) {
        return new Tenant(schema, TenantKind.SCHEMA, jdbcUrl, schema, Map.of());
    }

    public static Tenant database(String jdbcUrl, String database) {
        return new Tenant(database, TenantKind.DATABASE, jdbcUrl, "public", Map.of());
    }

    /** The schema, quoted for SQL. */
    public String quotedSchema() {
        return Identifiers.quote(schema);
    }
}
