package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelRulesTest {
    @Test
    void agentWideLabelsThenMatchingRulesInOrder() {
        LabelRules rules = LabelRules.parse(List.of("region=eu,tier=standard"),
                List.of("tenant_00*:tier=canary", "tenant_007:tier=gold,vip=yes", "other_?:x=y"));

        assertThat(rules.labelsFor("tenant_003", Map.of("db", "a")))
                .isEqualTo(Map.of("db", "a", "region", "eu", "tier", "canary"));
        assertThat(rules.labelsFor("tenant_007", Map.of()))
                .isEqualTo(Map.of("region", "eu", "tier", "gold", "vip", "yes"));
        assertThat(rules.labelsFor("tenant_100", Map.of())).isEqualTo(Map.of("region", "eu", "tier", "standard"));
        assertThat(rules.labelsFor("other_1", Map.of())).containsEntry("x", "y");
        assertThat(rules.labelsFor("other_12", Map.of())).doesNotContainKey("x");
    }

    @Test
    void aSourceGetsTheLabels() {
        TenantSource source = LabelRules.parse(List.of(), List.of("t_1:tier=canary"))
                .applyTo(new StaticTenants(List.of(Tenant.schema("jdbc:postgresql:x", "t_1"),
                        Tenant.schema("jdbc:postgresql:x", "t_2"))));

        assertThat(source.discover().tenants()).extracting(Tenant::labels)
                .containsExactly(Map.of("tier", "canary"), Map.of());
    }

    @Test
    void malformedRulesAreRefusedWithTheItem() {
        assertThatThrownBy(() -> LabelRules.parse(List.of("region"), List.of()))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("'region'");
        assertThatThrownBy(() -> LabelRules.parse(List.of(), List.of("tier=canary")))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("GLOB:KEY=VALUE");
        assertThatThrownBy(() -> LabelRules.parse(List.of("bad key=x"), List.of()))
                .isInstanceOf(SchemafleetException.class).hasMessageContaining("KEY=VALUE");
    }
}
