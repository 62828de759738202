package io.schemafleet.agent.tenant;

import java.util.List;

/** A configured, fixed list of tenants. */
public final class StaticTenants implements TenantSource {
    private final Discovery discovery;

    /** @throws io.schemafleet.protocol.SchemafleetException if two tenants share an id */
    public StaticTenants(List<Tenant> tenants) {
        this.discovery = Discovery.of(tenants);
    }

    @Override
    public List<Tenant> tenants() {
        return discovery.tenants();
    }

    @Override
    public Discovery discover() {
        return discovery;
    }
}
