package io.schemafleet.agent.apply;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.schemafleet.agent.apply.FleetRevisions.D1;
import static io.schemafleet.agent.apply.FleetRevisions.P2;
import static org.assertj.core.api.Assertions.assertThat;

/** 200 schema tenants and 20 database tenants, from base to heads and back to base. */
class FleetConvergenceIT {
    @Test
    void schemaAndDatabaseTenantsConvergeUpAndDown() throws Exception {
        TestPostgres server = TestPostgres.server();
        List<String> databases = new ArrayList<>();
        try (TestDatabase db = TestDatabase.create("fleet"); AgentFixture fixture = new AgentFixture()) {
            List<Tenant> tenants = new ArrayList<>(AgentFixture.schemaTenants(db, 200));
            for (int i = 0; i < 20; i++) {
                String name = server.createDatabaseNamed("fleetdb");
                databases.add(name);
                tenants.add(Tenant.database(server.jdbcUrl(name), name));
            }
            FleetApplier fleet = fixture.fleet("agent-a", 8);
            AtomicInteger reported = new AtomicInteger();

            List<TenantResult> up = fleet.apply(tenants, "heads", r -> reported.incrementAndGet());

            assertThat(reported).hasValue(220);
            assertThat(up).allSatisfy(r -> {
                assertThat(r.state()).as("%s: %s", r.tenant(), r.error()).isEqualTo(TenantState.CONVERGED);
                assertThat(r.heads()).containsExactly(D1, P2);
                assertThat(r.steps()).hasSize(7);
            });
            for (Tenant t : List.of(tenants.get(0), tenants.get(199), tenants.get(200), tenants.get(219))) {
                assertThat(fixture.rows(t)).containsExactly(D1, P2);
            }

            List<TenantResult> down = fleet.apply(tenants, "base", r -> { });

            assertThat(down).allSatisfy(r -> {
                assertThat(r.state()).as("%s: %s", r.tenant(), r.error()).isEqualTo(TenantState.CONVERGED);
                assertThat(r.heads()).isEmpty();
                assertThat(r.steps()).hasSize(7).allMatch(s -> s.direction().equals("downgrade"));
            });
            for (Tenant t : List.of(tenants.get(7), tenants.get(210))) {
                assertThat(fixture.rows(t)).isEmpty();
                assertThat(fixture.history(t)).hasSize(14);
            }
        } finally {
            databases.forEach(server::dropDatabase);
        }
    }
}
