package io.schemafleet.agent.tenant;

import java.util.List;

/**
 * Where an agent's tenants come from: a fixed list, or discovery by pattern. Called
 * again on every discovery interval, so a new tenant is picked up without anyone asking.
 */
public interface TenantSource {
    /** The tenants as of now; ids are unique. */
    List<Tenant> tenants();

    /**
     * The tenants as of now and the names refused on the way (unsafe names found by
     * discovery). Prefer this to {@link #tenants()} where refusals can be reported.
     */
    default Discovery discover() {
        return Discovery.of(tenants());
    }
}
