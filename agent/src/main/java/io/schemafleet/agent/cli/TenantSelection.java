package io.schemafleet.agent.cli;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.tenant.DatabasePatternDiscovery;
import io.schemafleet.agent.tenant.Discovery;
import io.schemafleet.agent.tenant.JdbcUrls;
import io.schemafleet.agent.tenant.SchemaPatternDiscovery;
import io.schemafleet.agent.tenant.StaticTenants;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.tenant.TenantSource;
import io.schemafleet.protocol.SchemafleetException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * Which tenants a one-shot command works on: {@code --schemas PATTERN} (schemas in
 * {@code --db}), {@code --databases PATTERN} (databases on {@code --db}'s server),
 * {@code --tenant NAME} (named schemas), or the database of {@code --db} itself.
 */
public final class TenantSelection {
    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:SCHEMAFLEET_DB_URL}",
            description = "JDBC URL, e.g. jdbc:postgresql://db:5432/app (default: $SCHEMAFLEET_DB_URL). User and "
                    + "password come from SCHEMAFLEET_DB_USER and SCHEMAFLEET_DB_PASSWORD (or SCHEMAFLEET_DB_PASSWORD_FILE).")
    String db;

    @Option(names = "--schemas", paramLabel = "PATTERN", defaultValue = "${env:SCHEMAFLEET_SCHEMAS}",
            description = "Every schema matching this LIKE pattern, e.g. 'tenant_%%' (default: $SCHEMAFLEET_SCHEMAS).")
    String schemas;

    @Option(names = "--databases", paramLabel = "PATTERN", defaultValue = "${env:SCHEMAFLEET_DATABASES}",
            description = "Every database on the server matching this LIKE pattern (default: $SCHEMAFLEET_DATABASES).")
    String databases;

    @Option(names = "--tenant", paramLabel = "SCHEMA", description = "A schema tenant by name (repeatable).")
    List<String> named = new ArrayList<>();

    @Option(names = "--version-table", defaultValue = "${env:SCHEMAFLEET_VERSION_TABLE:-schemafleet_version}",
            description = "schemafleet_version (default) or alembic_version to adopt Alembic-managed databases"
                    + " ($SCHEMAFLEET_VERSION_TABLE).")
    String versionTable;

    VersionLayout layout() {
        return VersionLayout.named(versionTable);
    }

    /** Where the selected tenants come from (asked again on every pass of a long-running agent). */
    TenantSource source(Databases pools) {
        if (db == null || db.isBlank()) {
            throw new SchemafleetException("no database: give --db JDBC_URL or set SCHEMAFLEET_DB_URL");
        }
        JdbcUrls.requirePostgres(db);
        int modes = (schemas != null ? 1 : 0) + (databases != null ? 1 : 0) + (named.isEmpty() ? 0 : 1);
        if (modes > 1) {
            throw new SchemafleetException("choose one of --schemas, --databases and --tenant");
        }
        if (schemas != null) {
            return new SchemaPatternDiscovery(pools, db, schemas);
        }
        if (databases != null) {
            return new DatabasePatternDiscovery(pools, db, databases);
        }
        if (!named.isEmpty()) {
            return new StaticTenants(named.stream().map(s -> Tenant.schema(db, s)).toList());
        }
        String name = db.replaceFirst("^jdbc:postgresql://[^/]*/", "").replaceFirst("\\?.*$", "");
        return new StaticTenants(List.of(Tenant.database(db, name)));
    }

    /** The tenants, or an error if the selection is contradictory; refusals go to {@code warn}. */
    List<Tenant> resolve(Databases pools, java.io.PrintWriter warn) {
        Discovery discovery = source(pools).discover();
        for (Discovery.Refusal refusal : discovery.refused()) {
            warn.println("warning: skipping " + refusal.name() + ": " + refusal.reason());
        }
        return discovery.tenants();
    }
}
