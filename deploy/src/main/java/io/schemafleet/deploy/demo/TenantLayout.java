package io.schemafleet.deploy.demo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the demo's tenants are laid out on its one PostgreSQL server: schema tenants
 * {@code tenant_001...} split over the databases {@code fleet_a} (agent-1) and
 * {@code fleet_b} (agent-2), and up to four database tenants {@code tenantdb_1...}
 * (agent-2, discovered by database name). The three counts add up to the total asked for.
 *
 * @param schemasA  schema tenants in {@code fleet_a}
 * @param schemasB  schema tenants in {@code fleet_b}
 * @param databases database tenants
 */
record TenantLayout(int schemasA, int schemasB, int databases) {
    static final String DATABASE_A = "fleet_a";
    static final String DATABASE_B = "fleet_b";
    static final String SCHEMA_PATTERN = "tenant_%";
    static final String DATABASE_PATTERN = "tenantdb_%";
    static final int MAX_TENANTS = 10_000;
    private static final int MAX_DATABASE_TENANTS = 4;

    TenantLayout {
        if (schemasA < 0 || schemasB < 0 || databases < 0) {
            throw new IllegalArgumentException("tenant counts cannot be negative");
        }
    }

    /** A quarter of the fleet, at most four, are database tenants (a database costs far more than a schema). */
    static TenantLayout of(int total) {
        if (total < 1 || total > MAX_TENANTS) {
            throw new IllegalArgumentException("--tenants must be between 1 and " + MAX_TENANTS + ", not " + total);
        }
        int databases = Math.min(MAX_DATABASE_TENANTS, total / 4);
        int schemas = total - databases;
        return new TenantLayout(schemas - schemas / 2, schemas / 2, databases);
    }

    int total() {
        return schemasA + schemasB + databases;
    }

    List<String> schemaNamesA() {
        return schemaNames(1, schemasA);
    }

    List<String> schemaNamesB() {
        return schemaNames(schemasA + 1, schemasB);
    }

    List<String> databaseNames() {
        return IntStream.rangeClosed(1, databases).mapToObj(i -> "tenantdb_" + i).toList();
    }

    /** Creates the databases ({@code fleet_a}, {@code fleet_b}, the database tenants) and the schema tenants. */
    void create(DemoPostgres server) throws SQLException {
        List<String> created = new ArrayList<>(List.of(DATABASE_A, DATABASE_B));
        created.addAll(databaseNames());
        for (String database : created) {
            server.execute("postgres", "CREATE DATABASE " + database);
        }
        createSchemas(server, DATABASE_A, schemaNamesA());
        createSchemas(server, DATABASE_B, schemaNamesB());
    }

    private static void createSchemas(DemoPostgres server, String database, List<String> schemas) throws SQLException {
        if (!schemas.isEmpty()) {
            server.execute(database, String.join(";", schemas.stream().map(s -> "CREATE SCHEMA " + s).toList()));
        }
    }

    private List<String> schemaNames(int first, int count) {
        int width = Math.max(3, String.valueOf(schemasA + schemasB).length());
        return IntStream.range(first, first + count).mapToObj(i -> String.format("tenant_%0" + width + "d", i)).toList();
    }

    /** {@code tenant_001..tenant_048}, or a single name, or "none". */
    static String range(List<String> names) {
        return names.isEmpty() ? "none" : names.size() == 1 ? names.get(0)
                : names.get(0) + ".." + names.get(names.size() - 1);
    }
}
