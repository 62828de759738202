package io.schemafleet.agent.tenant;

import io.schemafleet.agent.db.Databases;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every schema in one database whose name is LIKE a pattern ({@code tenant_%}) is a
 * tenant, id = schema name. System schemas ({@code pg_*}, {@code information_schema})
 * never are. Unsafe names are refused and reported, not skipped.
 */
public final class SchemaPatternDiscovery implements TenantSource {
    // The pattern is a bind parameter: a name from the catalog never reaches SQL text.
    private static final String SQL = """
            SELECT nspname FROM pg_catalog.pg_namespace
            WHERE nspname LIKE ? AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
            ORDER BY nspname""";

    private final Databases databases;
    private final String jdbcUrl;
    private final String pattern;
    private final Map<String, String> labels;

    public SchemaPatternDiscovery(Databases databases, String jdbcUrl, String pattern) {
        this(databases, jdbcUrl, pattern, Map.of());
    }

    /** @param labels given to every discovered tenant */
    public SchemaPatternDiscovery(Databases databases, String jdbcUrl, String pattern, Map<String, String> labels) {
        this.databases = Objects.requireNonNull(databases, "databases");
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.pattern = PatternDiscovery.requirePattern(pattern);
        this.labels = Map.copyOf(labels);
    }

    @Override
    public List<Tenant> tenants() {
        return discover().tenants();
    }

    @Override
    public Discovery discover() {
        return PatternDiscovery.discover(databases, jdbcUrl, SQL, pattern, "schema",
                schema -> new Tenant(schema, TenantKind.SCHEMA, jdbcUrl, schema, labels));
    }
}
