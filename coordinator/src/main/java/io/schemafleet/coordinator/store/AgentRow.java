package io.schemafleet.coordinator.store;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * A row of {@code agents}: an agent's newest heartbeat.
 *
 * @param lastHeartbeatAt when the agent sent it, by the agent's clock
 * @param heardAt         when the broker appended it to the reports topic (the agent's time
 *                        where the topic keeps producers' times); ages are read from this
 * @param refusedEvents events the agent refused since it started (signature or integrity)
 * @param lastRefusal   why it refused the latest one; null when none
 */
@MappedEntity("agents")
public record AgentRow(@Id String id, int tenants, Instant startedAt, Instant lastHeartbeatAt, Instant heardAt,
                       String version, long refusedEvents, @Nullable String lastRefusal) {
}
