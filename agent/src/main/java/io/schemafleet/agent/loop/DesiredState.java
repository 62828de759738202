package io.schemafleet.agent.loop;

import io.schemafleet.protocol.graph.RevisionGraph;

import java.util.List;
import java.util.Map;

/**
 * What the log says the agent's tenants should be: the revision graph, the rollouts and
 * pins that give each tenant its destination. Immutable; a new one replaces it whenever the log adds something.
 *
 * @param version     increases with every change (lets the loop tell a new state from an old one)
 * @param graph       the published revisions as a graph; null while they do not form one
 * @param destination the newest rollout's destination; null before any rollout
 * @param rolloutId   the newest rollout's id
 * @param rollouts    every rollout and pin: each tenant's own target ({@link RolloutBook#target})
 * @param retries     tenants an operator asked to retry, each with its newest request's offset in the rollouts topic
 * @param problems    why the graph is unusable, or which revisions were refused
 * @param caughtUp    true once the agent has read the log up to where it was when it started
 */
public record DesiredState(long version, RevisionGraph graph, String destination, String rolloutId,
                           RolloutBook rollouts, Map<String, Long> retries, List<String> problems, boolean caughtUp) {
    public DesiredState {
        java.util.Objects.requireNonNull(rollouts, "rollouts");
        retries = Map.copyOf(retries);
        problems = List.copyOf(problems);
    }

    /**
     * True when a reconcile pass makes sense: the log is read and the graph usable. Tenants
     * without a target are only looked at (and reported), so the coordinator knows the
     * fleet, labels included, before the first rollout's first wave.
     */
    public boolean actionable() {
        return caughtUp && graph != null;
    }
}
