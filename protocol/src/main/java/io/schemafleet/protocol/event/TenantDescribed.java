package io.schemafleet.protocol.event;

import java.time.Instant;

/**
 * A tenant's normalized schema description, sent by its agent in answer to a {@link
 * DescribeRequested} (reports topic, key = {@code describe:<tenant>}). The description
 * is the text the tenant's fingerprint hashes: catalog objects only, never row data.
 *
 * <p>Wire fields (schema 1): {@code request_id}, {@code tenant}, {@code agent},
 * {@code fingerprint}, {@code description}, {@code at}.
 *
 * @param requestId   the request answered
 * @param tenant      tenant id
 * @param agent       the agent that described it
 * @param fingerprint SHA-256 hex of {@code description}
 * @param description one object or property per line, at most {@value #MAX_DESCRIPTION} characters
 * @param at          when the agent read the catalog
 */
public record TenantDescribed(String requestId, String tenant, String agent, String fingerprint,
                              String description, Instant at) implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;
    /** Longest description carried; an agent truncates longer ones (and says so in the text). */
    public static final int MAX_DESCRIPTION = 512 * 1024;

    public TenantDescribed {
        Checks.matches(requestId, Checks.ROLLOUT_ID, Checks.ROLLOUT_ID_RULE, "request_id");
        Checks.matches(tenant, Checks.NAME, Checks.NAME_RULE, "tenant");
        Checks.nonBlankText(agent, 255, "agent");
        Checks.matches(fingerprint, Checks.SHA256_HEX, "64 lowercase hex digits", "fingerprint");
        Checks.lines(description, MAX_DESCRIPTION, "description");
        Checks.present(at, "at");
    }

    @Override
    public EventType type() {
        return EventType.TENANT_DESCRIBED;
    }
}
