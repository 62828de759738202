package io.schemafleet.agent.loop;

/** The agent's version, reported in heartbeats. */
final class AgentVersion {
    static final String VERSION = "0.1.0";

    private AgentVersion() {
    }
}
