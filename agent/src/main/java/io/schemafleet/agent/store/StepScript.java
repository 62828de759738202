package io.schemafleet.agent.store;

import io.schemafleet.protocol.graph.VersionTableChange;

import java.util.List;

/**
 * What {@link TenantStore#stepScript} needs to write one transactional step.
 *
 * @param createTables true on a tenant's first step, when its tables do not exist yet
 * @param rowsBefore   the version rows the plan started from
 * @param history      the history row the step writes; its times are the server's
 */
public record StepScript(long lockTimeoutMillis, long statementTimeoutMillis, boolean createTables,
                         List<String> rowsBefore, String sql, List<VersionTableChange> changes, HistoryRow history) {
    public StepScript {
        rowsBefore = List.copyOf(rowsBefore);
        changes = List.copyOf(changes);
    }
}
