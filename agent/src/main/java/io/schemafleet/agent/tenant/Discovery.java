package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a tenant source found: the tenants, and the names it refused (an unsafe schema
 * or database name). Refusals are reported, never silently dropped, so an operator can
 * see why a tenant is not being migrated.
 *
 * @param tenants the tenants, ids unique
 * @param refused names found but not accepted as tenants
 */
public record Discovery(List<Tenant> tenants, List<Refusal> refused) {
    public Discovery {
        tenants = List.copyOf(tenants);
        refused = List.copyOf(refused);
        Set<String> ids = new HashSet<>();
        for (Tenant tenant : tenants) {
            if (!ids.add(tenant.id())) {
                throw new SchemafleetException("tenant id '" + tenant.id() + "' appears twice");
            }
        }
    }

    /** Only tenants, nothing refused. */
    public static Discovery of(List<Tenant> tenants) {
        return new Discovery(tenants, List.of());
    }

    /**
     * A name that was found but refused.
     *
     * @param name   exactly as the catalog holds it (may hold quotes, control characters:
     *               log {@code reason}, which shows it escaped)
     * @param reason why it was refused, printable on one line
     */
    public record Refusal(String name, String reason) {
        public Refusal {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
