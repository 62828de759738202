package io.schemafleet.coordinator.store;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;

/** Published revisions, read side (the projection writes them). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RevisionRepository extends GenericRepository<RevisionRow, String> {
    /** Every published revision in publication order. */
    List<RevisionRow> listOrderBySeq();

    Optional<RevisionRow> findById(String id);

    long count();
}
