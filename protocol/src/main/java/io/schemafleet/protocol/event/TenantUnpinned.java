package io.schemafleet.protocol.event;

/**
 * A pinned tenant follows rollouts again (rollouts topic, key = {@code pin:<tenant>}).
 *
 * <p>Wire fields (schema 1): {@code tenant}, {@code requested_by}.
 *
 * @param tenant      tenant id
 * @param requestedBy who asked (free text, 1 to 255)
 */
public record TenantUnpinned(String tenant, String requestedBy) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public TenantUnpinned {
        Checks.matches(tenant, Checks.NAME, Checks.NAME_RULE, "tenant");
        Checks.nonBlankText(requestedBy, 255, "requested_by");
    }

    @Override
    public EventType type() {
        return EventType.TENANT_UNPINNED;
    }
}
