package io.schemafleet.coordinator.security;

import io.schemafleet.coordinator.security.AccessRules.Need;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessRulesTest {
    @Test
    void readsUnderApiAndTheMetricsNeedAToken() {
        assertThat(AccessRules.need("GET", "/api/fleet")).isEqualTo(Need.READ);
        assertThat(AccessRules.need("HEAD", "/api/tenants/t1")).isEqualTo(Need.READ);
        assertThat(AccessRules.need("GET", "/api/stream")).isEqualTo(Need.READ);
        assertThat(AccessRules.need("GET", "/prometheus")).isEqualTo(Need.READ);
        assertThat(AccessRules.need("GET", "/api")).isEqualTo(Need.READ);
    }

    @Test
    void everyOtherMethodUnderApiNeedsAnOperator() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
            assertThat(AccessRules.need(method, "/api/tenants/t1/retry")).as(method).isEqualTo(Need.OPERATE);
        }
        assertThat(AccessRules.need("POST", "/api/openapi.yml")).isEqualTo(Need.OPERATE);
    }

    @Test
    void aDiffOnlyAsksForDescriptionsSoAReadOnlyTokenMaySendIt() {
        assertThat(AccessRules.need("POST", "/api/drift/diff")).isEqualTo(Need.READ);
        assertThat(AccessRules.need("POST", "//api/drift/./diff/")).as("another spelling").isEqualTo(Need.READ);
        // Exactly that POST: other methods, the paths around it and a route below it are still writes.
        for (String method : new String[] {"PUT", "PATCH", "DELETE"}) {
            assertThat(AccessRules.need(method, "/api/drift/diff")).as(method).isEqualTo(Need.OPERATE);
        }
        for (String path : new String[] {"/api/drift", "/api/drift/diff/x", "/api/drift/diffs", "/api/tenants/t1/retry"}) {
            assertThat(AccessRules.need("POST", path)).as(path).isEqualTo(Need.OPERATE);
        }
        assertThat(AccessRules.need("POST", "/api/drift/diff/../../rollouts")).isEqualTo(Need.OPERATE);
    }

    @Test
    void theDashboardHealthAndTheOpenApiDocumentAreOpen() {
        for (String path : new String[] {"/", "/index.html", "/assets/app.js", "/favicon.ico", "/health",
                "/health/liveness", "/api/openapi.yml", "/apidocs", "/prometheus-not"}) {
            assertThat(AccessRules.need("GET", path)).as(path).isEqualTo(Need.NOTHING);
        }
    }

    @Test
    void otherSpellingsOfAProtectedPathAreProtectedToo() {
        for (String path : new String[] {"//api/fleet", "/api/./fleet", "/x/../api/fleet", "/%61pi/fleet", "/API/Fleet",
                "/api%2Ffleet", "/prometheus/", "/PROMETHEUS", "/../api/fleet", "/api/openapi.yml/../fleet",
                "/assets/../api/fleet", "/health/..%2F..%2Fapi/fleet"}) {
            assertThat(AccessRules.need("GET", path)).as(path).isNotEqualTo(Need.NOTHING);
        }
        assertThat(AccessRules.need("GET", "/%zz")).as("undecodable").isNotEqualTo(Need.NOTHING);
        assertThat(AccessRules.need("POST", "/api/rollouts/..%2F..%2Fx/abort"))
                .as("decoded it leaves /api, as sent a router matches it under /api").isEqualTo(Need.OPERATE);
        assertThat(AccessRules.need("GET", "/api/tenants/..%2F..%2Findex.html")).isEqualTo(Need.READ);
    }
}
