package io.schemafleet.coordinator.store;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A row of {@code agents}: an agent's newest heartbeat. */
@MappedEntity("agents")
public record AgentRow(@Id String id, int tenants, Instant startedAt, Instant lastHeartbeatAt, String version) {
}
