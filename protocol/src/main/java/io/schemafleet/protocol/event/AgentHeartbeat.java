package io.schemafleet.protocol.event;

import java.time.Instant;

/**
 * An agent is alive (reports topic, key = {@code agent:<id>}). Compaction keeps the
 * newest per agent.
 *
 * <p>Wire fields (schema 1): {@code agent}, {@code tenants}, {@code started_at},
 * {@code at}, {@code version}.
 *
 * @param agent     agent id ({@code [A-Za-z0-9_$./-]}, 1 to 255)
 * @param tenants   how many tenants it currently looks after (0 or more)
 * @param startedAt when the agent process started
 * @param at        when this heartbeat was sent
 * @param version   the agent's software version (free text, 1 to 255)
 */
public record AgentHeartbeat(String agent, int tenants, Instant startedAt, Instant at, String version)
        implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;

    public AgentHeartbeat {
        Checks.matches(agent, Checks.NAME, Checks.NAME_RULE, "agent");
        Checks.atLeast(tenants, 0, "tenants");
        Checks.present(startedAt, "started_at");
        Checks.present(at, "at");
        Checks.nonBlankText(version, 255, "version");
    }

    @Override
    public EventType type() {
        return EventType.AGENT_HEARTBEAT;
    }
}
