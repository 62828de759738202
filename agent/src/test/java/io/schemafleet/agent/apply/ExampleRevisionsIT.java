package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.RevisionDirectory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example revisions really apply, up and down, on PostgreSQL. */
class ExampleRevisionsIT {
    @Test
    void theExampleRevisionsApplyUpDownAndUpAgainWithIdenticalSchemas() throws Exception {
        RevisionGraph graph = RevisionGraph.of(RevisionDirectory.loadValid(examples()).revisions());
        try (TestDatabase db = TestDatabase.create("examples");
             Databases pools = new Databases(DbCredentials.NONE, 4)) {
            List<Tenant> tenants = AgentFixture.schemaTenants(db, 3);
            FleetApplier fleet = new FleetApplier(new TenantReconciler(graph, pools, AgentFixture.options("agent-a"),
                    new DdlThrottle(2), (c, schema) -> SchemaFingerprint.of(c, schema).sha256()), 3);

            List<TenantResult> up = fleet.apply(tenants, "head", r -> { });
            assertThat(up).allSatisfy(r -> {
                assertThat(r.state()).as("%s", r.error()).isEqualTo(TenantState.CONVERGED);
                assertThat(r.heads()).containsExactly("c8626eb4ecaa");
                assertThat(r.steps()).hasSize(9);
            });
            assertThat(up).extracting(TenantResult::fingerprint).doesNotContainNull().containsOnly(up.get(0).fingerprint());

            List<TenantResult> down = fleet.apply(tenants, "base", r -> { });
            assertThat(down).allSatisfy(r -> assertThat(r.heads()).isEmpty());

            List<TenantResult> again = fleet.apply(tenants, "head", r -> { });
            assertThat(again).extracting(TenantResult::fingerprint).containsOnly(up.get(0).fingerprint());
        }
    }

    private static Path examples() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/examples/versions"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("deploy/examples/versions above the working directory").isNotNull();
        return dir.resolve("deploy/examples/versions");
    }
}
