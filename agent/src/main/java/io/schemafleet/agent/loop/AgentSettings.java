package io.schemafleet.agent.loop;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.topic.Topics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a long-running agent is set up.
 *
 * @param topics       topic names (prefix)
 * @param kafka        Kafka client properties: {@code bootstrap.servers} and anything else
 *                     (SASL/SSL settings pass through unchanged)
 * @param resync       how often tenants are reconciled even when the log is quiet
 * @param heartbeat    how often the agent says it is alive
 * @param parallel     tenants worked on at once
 * @param ddlPerServer steps at once per database server
 * @param apply        how steps are applied (agent id, timeouts, retries, version table)
 * @param trust        which events on the revisions and rollouts topics are applied: signed by
 *                     a trusted key (unsigned ones too only in development mode)
 */
public record AgentSettings(Topics topics, Map<String, Object> kafka, Duration resync, Duration heartbeat,
                            int parallel, int ddlPerServer, ApplyOptions apply, TrustPolicy trust) {
    public AgentSettings {
        Objects.requireNonNull(topics, "topics");
        kafka = Map.copyOf(kafka);
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("Kafka bootstrap.servers is required");
        }
        if (resync.isNegative() || resync.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("resync and heartbeat intervals must be positive");
        }
        if (parallel < 1 || ddlPerServer < 1) {
            throw new IllegalArgumentException("parallelism and DDL cap must be at least 1");
        }
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(trust, "trust");
        if (trust.trusted().isEmpty() && !trust.allowUnsigned()) {
            throw new IllegalArgumentException("no trusted public key: the agent would refuse every event");
        }
    }

    public String agentId() {
        return apply.agentId();
    }
}
