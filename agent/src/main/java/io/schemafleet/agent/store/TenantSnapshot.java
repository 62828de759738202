package io.schemafleet.agent.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a tenant's own tables say, read in one go before planning.
 *
 * @param rows             the version-table rows, in row order
 * @param pending          an interrupted non-transactional step, if any
 * @param appliedChecksums for each revision, the checksum it had when last applied upward
 */
public record TenantSnapshot(List<String> rows, Optional<PendingStep> pending, Map<String, String> appliedChecksums) {
    public TenantSnapshot {
        rows = List.copyOf(rows);
        appliedChecksums = Map.copyOf(appliedChecksums);
    }
}
