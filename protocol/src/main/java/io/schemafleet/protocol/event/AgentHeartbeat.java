package io.schemafleet.protocol.event;

import java.time.Instant;

/**
 * An agent is alive (reports topic, key = {@code agent:<id>}). Compaction keeps the
 * newest per agent.
 *
 * <p>Wire fields (schema 1): {@code agent}, {@code tenants}, {@code started_at},
 * {@code at}, {@code version}; optional (added within schema 1, absent when zero or null,
 * so older readers ignore them): {@code refused_events}, {@code last_refusal}.
 *
 * @param agent     agent id ({@code [A-Za-z0-9_$./-]}, 1 to 255)
 * @param tenants   how many tenants it currently looks after (0 or more)
 * @param startedAt when the agent process started
 * @param at        when this heartbeat was sent
 * @param version   the agent's software version (free text, 1 to 255)
 * @param refusedEvents events this agent refused since it started (bad or missing
 *                  signature, unknown key, a revision id with two contents); 0 or more
 * @param lastRefusal why the latest one was refused (at most {@value #MAX_REFUSAL} characters,
 *                  no event content); null when none was
 */
public record AgentHeartbeat(String agent, int tenants, Instant startedAt, Instant at, String version,
                             int refusedEvents, String lastRefusal)
        implements EventBody {
    /** Version of this body's schema. */
    public static final int SCHEMA_VERSION = 1;
    /** Longest {@code last_refusal}. */
    public static final int MAX_REFUSAL = 500;

    public AgentHeartbeat {
        Checks.matches(agent, Checks.NAME, Checks.NAME_RULE, "agent");
        Checks.atLeast(tenants, 0, "tenants");
        Checks.present(startedAt, "started_at");
        Checks.present(at, "at");
        Checks.nonBlankText(version, 255, "version");
        Checks.atLeast(refusedEvents, 0, "refused_events");
        if (lastRefusal != null) {
            Checks.text(lastRefusal, MAX_REFUSAL, "last_refusal");
        }
    }

    /** A heartbeat of an agent that has refused nothing. */
    public AgentHeartbeat(String agent, int tenants, Instant startedAt, Instant at, String version) {
        this(agent, tenants, startedAt, at, version, 0, null);
    }

    @Override
    public EventType type() {
        return EventType.AGENT_HEARTBEAT;
    }
}
