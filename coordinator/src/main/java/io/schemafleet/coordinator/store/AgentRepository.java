package io.schemafleet.coordinator.store;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/** Agents by their heartbeats, read side. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AgentRepository extends GenericRepository<AgentRow, String> {
    List<AgentRow> listOrderById();

    long count();
}
