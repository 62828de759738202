package io.schemafleet.protocol.event;

import java.time.Instant;

/**
 * An operator asked for a tenant to be tried again after it failed or ran out of retries
 * (rollouts topic, key = {@code retry:<tenant>}). The tenant's agent resets its retry
 * budget and reconciles it; a tenant that is not failed is left alone.
 *
 * <p>Wire fields (schema 1): {@code tenant}, {@code requested_by}, {@code at}.
 *
 * @param tenant      tenant id ({@code [A-Za-z0-9_$./-]}, 1 to 255)
 * @param requestedBy who asked (user or token name, free text, 1 to 255)
 * @param at          when they asked
 */
public record TenantRetryRequested(String tenant, String requestedBy, Instant at) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public TenantRetryRequested {
        Checks.matches(tenant, Checks.NAME, Checks.NAME_RULE, "tenant");
        Checks.nonBlankText(requestedBy, 255, "requested_by");
        Checks.present(at, "at");
    }

    @Override
    public EventType type() {
        return EventType.TENANT_RETRY_REQUESTED;
    }
}
