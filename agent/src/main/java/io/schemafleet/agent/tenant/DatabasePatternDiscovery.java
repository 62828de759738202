package io.schemafleet.agent.tenant;

import io.schemafleet.agent.db.Databases;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every database on a server whose name is LIKE a pattern is a tenant, id = database
 * name, tables in its {@code public} schema. Templates and databases that refuse
 * connections are left out. The tenant's URL is the server URL with the database
 * replaced ({@link JdbcUrls#withDatabase}). Unsafe names are refused and reported.
 */
public final class DatabasePatternDiscovery implements TenantSource {
    // The pattern is a bind parameter: a name from the catalog never reaches SQL text.
    private static final String SQL = """
            SELECT datname FROM pg_catalog.pg_database
            WHERE datallowconn AND NOT datistemplate AND datname LIKE ?
            ORDER BY datname""";

    private final Databases databases;
    private final String serverUrl;
    private final String pattern;
    private final Map<String, String> labels;

    /** @param serverUrl JDBC URL of any database on the server (e.g. {@code postgres}) */
    public DatabasePatternDiscovery(Databases databases, String serverUrl, String pattern) {
        this(databases, serverUrl, pattern, Map.of());
    }

    /** @param labels given to every discovered tenant */
    public DatabasePatternDiscovery(Databases databases, String serverUrl, String pattern, Map<String, String> labels) {
        this.databases = Objects.requireNonNull(databases, "databases");
        this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
        this.pattern = PatternDiscovery.requirePattern(pattern);
        this.labels = Map.copyOf(labels);
    }

    @Override
    public List<Tenant> tenants() {
        return discover().tenants();
    }

    @Override
    public Discovery discover() {
        return PatternDiscovery.discover(databases, serverUrl, SQL, pattern, "database",
                database -> new Tenant(database, TenantKind.DATABASE, JdbcUrls.withDatabase(serverUrl, database),
                        "public", labels));
    }
}
