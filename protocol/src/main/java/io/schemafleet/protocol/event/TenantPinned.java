package io.schemafleet.protocol.event;

/**
 * A tenant is pinned to a destination and ignores rollouts until unpinned (rollouts
 * topic, key = {@code pin:<tenant>}, shared with {@link TenantUnpinned}: compaction keeps
 * the newest of the two).
 *
 * <p>Wire fields (schema 1): {@code tenant}, {@code to}, {@code requested_by}.
 *
 * @param tenant      tenant id
 * @param to          where it stays: a revision id, {@code base}, … (never relative)
 * @param requestedBy who asked (free text, 1 to 255)
 */
public record TenantPinned(String tenant, String to, String requestedBy) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public TenantPinned {
        Checks.matches(tenant, Checks.NAME, Checks.NAME_RULE, "tenant");
        Checks.destination(to, "to");
        Checks.nonBlankText(requestedBy, 255, "requested_by");
    }

    @Override
    public EventType type() {
        return EventType.TENANT_PINNED;
    }
}
