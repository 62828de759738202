package io.schemafleet.protocol.event;

import java.time.Instant;
import java.util.List;

/**
 * An operator asked for the normalized schema descriptions of some tenants, to see what
 * differs between them (rollouts topic, key = {@code describe:<request id>}). Each
 * tenant's agent answers with a {@link TenantDescribed}. Agents ignore requests older
 * than a few minutes, so re-reading the topic after a restart does not answer old ones.
 *
 * <p>Wire fields (schema 1): {@code request_id}, {@code tenants}, {@code requested_by}, {@code at}.
 *
 * @param requestId   unique id of this request ({@code [A-Za-z0-9._-]}, 1 to 128)
 * @param tenants     the tenants to describe, 1 to {@value #MAX_TENANTS}
 * @param requestedBy who asked (user or token name, free text, 1 to 255)
 * @param at          when they asked
 */
public record DescribeRequested(String requestId, List<String> tenants, String requestedBy, Instant at)
        implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;
    /** Most tenants one request names. */
    public static final int MAX_TENANTS = 100;

    public DescribeRequested {
        Checks.matches(requestId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "request_id");
        tenants = Checks.list(tenants, "tenants");
        if (tenants.isEmpty() || tenants.size() > MAX_TENANTS) {
            throw new InvalidEventException("tenants must name 1 to " + MAX_TENANTS + " tenants, got " + tenants.size());
        }
        tenants.forEach(t -> Checks.matches(t, Checks.NAME, Checks.NAME_RULE, "tenants[]"));
        Checks.nonBlankText(requestedBy, 255, "requested_by");
        Checks.present(at, "at");
    }

    @Override
    public EventType type() {
        return EventType.DESCRIBE_REQUESTED;
    }
}
