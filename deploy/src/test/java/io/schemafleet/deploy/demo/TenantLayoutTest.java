package io.schemafleet.deploy.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantLayoutTest {
    @Test
    void theDefaultHundredIsTwoDatabasesOfSchemasAndFourDatabaseTenants() {
        TenantLayout layout = TenantLayout.of(100);

        assertThat(layout).isEqualTo(new TenantLayout(48, 48, 4));
        assertThat(layout.schemaNamesA()).hasSize(48).startsWith("tenant_001").endsWith("tenant_048");
        assertThat(layout.schemaNamesB()).hasSize(48).startsWith("tenant_049").endsWith("tenant_096");
        assertThat(layout.databaseNames()).containsExactly("tenantdb_1", "tenantdb_2", "tenantdb_3", "tenantdb_4");
    }

    @Test
    void everyCountAddsUpToTheTotalWithUniqueNames() {
        for (int total : List.of(1, 2, 3, 4, 5, 7, 12, 15, 16, 17, 99, 100, 101, 999, 1000, TenantLayout.MAX_TENANTS)) {
            TenantLayout layout = TenantLayout.of(total);
            List<String> names = new ArrayList<>(layout.schemaNamesA());
            names.addAll(layout.schemaNamesB());
            names.addAll(layout.databaseNames());

            assertThat(layout.total()).as("total %d", total).isEqualTo(total);
            assertThat(names).as("names for %d", total).hasSize(total);
            assertThat(new HashSet<>(names)).as("unique names for %d", total).hasSize(total);
            assertThat(layout.databases()).isBetween(0, 4);
            assertThat(layout.schemasA() - layout.schemasB()).isBetween(0, 1);
        }
    }

    @Test
    void namesSortInNumberOrderAtAnySize() {
        TenantLayout layout = TenantLayout.of(5000);

        assertThat(layout.schemaNamesA().get(0)).isEqualTo("tenant_0001");
        assertThat(layout.schemaNamesB()).isSorted();
    }

    @Test
    void refusesCountsOutsideOneToTenThousand() {
        assertThatThrownBy(() -> TenantLayout.of(0)).hasMessageContaining("between 1 and 10000");
        assertThatThrownBy(() -> TenantLayout.of(10_001)).hasMessageContaining("between 1 and 10000");
    }

    @Test
    void rangeNamesFirstAndLast() {
        assertThat(TenantLayout.range(List.of())).isEqualTo("none");
        assertThat(TenantLayout.range(List.of("a"))).isEqualTo("a");
        assertThat(TenantLayout.range(List.of("a", "b", "c"))).isEqualTo("a..c");
    }
}
