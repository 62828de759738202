package io.schemafleet.coordinator.store;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.schemafleet.protocol.revision.Revision;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A row of {@code revisions}: one published revision; {@code seq} is its offset on the revisions topic. */
@MappedEntity("revisions")
public record RevisionRow(@Id String id, long seq, String downRevisions, String branchLabels, String dependsOn,
                          String message, boolean transactional, String upgrade, String downgrade, String checksum,
                          Instant publishedAt, String eventId) {

    /** The revision this row holds. */
    public Revision revision() {
        return new Revision(id, list(downRevisions), list(branchLabels), list(dependsOn), message, transactional,
                upgrade, downgrade);
    }

    static List<String> list(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
