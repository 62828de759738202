package io.schemafleet.agent.tenant;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantDiscoveryTest {
    private final Databases databases = new Databases(DbCredentials.NONE, 2);
    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestDatabase.create("tdisc");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        databases.close();
        db.close();
    }

    @Test
    void findsTheSchemasMatchingThePattern() throws SQLException {
        // given
        db.execute("CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b", "CREATE SCHEMA other");
        // when
        Discovery found = new SchemaPatternDiscovery(databases, db.url(), "tenant_%").discover();
        // then
        assertThat(found.tenants()).extracting(Tenant::id).containsExactly("tenant_a", "tenant_b");
        assertThat(found.refused()).isEmpty();
        Tenant a = found.tenants().get(0);
        assertThat(a.kind()).isEqualTo(TenantKind.SCHEMA);
        assertThat(a.schema()).isEqualTo("tenant_a");
        assertThat(a.jdbcUrl()).isEqualTo(db.url());
        assertThat(a.labels()).isEmpty();
    }

    @Test
    void aNewSchemaIsFoundOnTheNextCall() throws SQLException {
        db.execute("CREATE SCHEMA tenant_a");
        SchemaPatternDiscovery source = new SchemaPatternDiscovery(databases, db.url(), "tenant_%");
        assertThat(source.tenants()).extracting(Tenant::id).containsExactly("tenant_a");

        db.execute("CREATE SCHEMA tenant_new");

        assertThat(source.tenants()).extracting(Tenant::id).containsExactly("tenant_a", "tenant_new");
    }

    @Test
    void hostileSchemaNamesAreRefusedWithAReasonAndNeverReturned() throws SQLException {
        // given: names only quoting makes possible
        db.execute("CREATE SCHEMA tenant_ok", "CREATE SCHEMA \"tenant_x; drop\"", "CREATE SCHEMA \"tenant_\"\"q\"",
                "CREATE SCHEMA \"tenant_a.b\"", "CREATE SCHEMA \"tenant_\n\"");
        // when
        Discovery found = new SchemaPatternDiscovery(databases, db.url(), "tenant_%").discover();
        // then
        assertThat(found.tenants()).extracting(Tenant::id).containsExactly("tenant_ok");
        assertThat(found.refused()).extracting(Discovery.Refusal::name)
                .containsExactlyInAnyOrder("tenant_x; drop", "tenant_\"q", "tenant_a.b", "tenant_\n");
        assertThat(found.refused()).filteredOn(r -> r.name().equals("tenant_x; drop")).singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("schema name 'tenant_x; drop' is refused"));
        assertThat(found.refused()).allSatisfy(r -> assertThat(r.reason()).doesNotContain("\n"));
        // tenants() alone never hands out a refused name either
        assertThat(new SchemaPatternDiscovery(databases, db.url(), "tenant_%").tenants())
                .extracting(Tenant::id).containsExactly("tenant_ok");
    }

    @Test
    void thePatternIsAValueNotSql() throws SQLException {
        db.execute("CREATE SCHEMA tenant_a");
        Discovery found = new SchemaPatternDiscovery(databases, db.url(), "x' OR true OR nspname LIKE '%").discover();
        assertThat(found.tenants()).isEmpty();
        assertThat(found.refused()).isEmpty();
    }

    @Test
    void systemSchemasAreNeverTenants() throws SQLException {
        db.execute("CREATE SCHEMA app");
        Discovery found = new SchemaPatternDiscovery(databases, db.url(), "%").discover();
        assertThat(found.tenants()).extracting(Tenant::id).containsExactly("app", "public");
        assertThat(found.refused()).isEmpty();
    }

    @Test
    void labelsAreGivenToEveryDiscoveredTenant() throws SQLException {
        db.execute("CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b");
        List<Tenant> tenants = new SchemaPatternDiscovery(databases, db.url(), "tenant_%", Map.of("tier", "canary"))
                .tenants();
        assertThat(tenants).hasSize(2)
                .allSatisfy(t -> assertThat(t.labels()).containsExactly(Map.entry("tier", "canary")));
    }

    @Test
    void anEmptyPatternIsRefused() {
        assertThatThrownBy(() -> new SchemaPatternDiscovery(databases, db.url(), ""))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("pattern");
    }

    @Test
    void aFailingQueryIsAClearErrorNamingTheRedactedUrl() {
        // A LIKE pattern ending in the escape character is an error in PostgreSQL (22025)
        // once a name gets that far: '%' gets every name there.
        assertThatThrownBy(() -> new SchemaPatternDiscovery(databases, db.url(), "%\\").discover())
                .isInstanceOf(SchemafleetException.class)
                .hasMessageContaining("discovering schemas LIKE '%\\' in " + JdbcUrls.redact(db.url()))
                .hasMessageContaining("SQLSTATE 22025");
    }

    @Test
    void findsTheDatabasesMatchingThePattern() throws SQLException {
        // given: three databases tfleet_<run>_1..3 and one with a hostile name
        TestPostgres server = TestPostgres.server();
        List<String> names = new ArrayList<>();
        String hostile = null;
        try {
            for (int i = 0; i < 3; i++) {
                names.add(server.createDatabaseNamed("tfleet"));
            }
            String prefix = names.get(0).substring(0, names.get(0).lastIndexOf('_') + 1);
            hostile = prefix + "x; drop";
            try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE \"" + hostile + "\" TEMPLATE template0");
            }
            // when
            Discovery found = new DatabasePatternDiscovery(databases, server.adminUrl(), prefix + "%",
                    Map.of("region", "eu")).discover();
            // then
            assertThat(found.tenants()).extracting(Tenant::id).containsExactlyElementsOf(names);
            assertThat(found.refused()).extracting(Discovery.Refusal::name).containsExactly(hostile);
            assertThat(found.refused().get(0).reason()).startsWith("database name '" + hostile + "' is refused");
            for (Tenant tenant : found.tenants()) {
                assertThat(tenant.kind()).isEqualTo(TenantKind.DATABASE);
                assertThat(tenant.schema()).isEqualTo("public");
                assertThat(tenant.labels()).containsExactly(Map.entry("region", "eu"));
                assertThat(currentDatabase(tenant.jdbcUrl())).isEqualTo(tenant.id());
            }
        } finally {
            names.forEach(server::dropDatabase);
            if (hostile != null) {
                try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS \"" + hostile + "\"");
                }
            }
        }
    }

    @Test
    void templatesAndClosedDatabasesAreNotTenants() throws SQLException {
        TestPostgres server = TestPostgres.server();
        String template = server.createDatabaseNamed("tfleet_tpl");
        String closed = server.createDatabaseNamed("tfleet_tpl");
        String open = server.createDatabaseNamed("tfleet_tpl");
        try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + Identifiers.quote(template) + " IS_TEMPLATE true");
            s.execute("ALTER DATABASE " + Identifiers.quote(closed) + " ALLOW_CONNECTIONS false");
            String prefix = open.substring(0, open.lastIndexOf('_') + 1);

            List<Tenant> tenants = new DatabasePatternDiscovery(databases, server.adminUrl(), prefix + "%").tenants();

            assertThat(tenants).extracting(Tenant::id).containsExactly(open);
        } finally {
            try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
                s.execute("ALTER DATABASE " + Identifiers.quote(template) + " IS_TEMPLATE false");
            }
            server.dropDatabase(template);
            server.dropDatabase(closed);
            server.dropDatabase(open);
        }
    }

    @Test
    void staticTenantsRefuseDuplicateIds() {
        Tenant a = Tenant.schema(db.url(), "tenant_a");
        assertThat(new StaticTenants(List.of(a)).discover().tenants()).containsExactly(a);
        assertThatThrownBy(() -> new StaticTenants(List.of(a, Tenant.schema(db.url() + "&x=1", "tenant_a"))))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("'tenant_a' appears twice");
    }

    private String currentDatabase(String url) throws SQLException {
        try (Connection c = databases.open(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
