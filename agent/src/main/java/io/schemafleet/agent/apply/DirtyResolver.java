package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.PendingStep;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.graph.Direction;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Settles a dirty tenant: an operator who has looked at the database declares the
 * interrupted non-transactional step applied (its version-table change is made now)
 * or rolled back (the version stays). Either way the pending marker is closed and the
 * agent will touch the tenant again.
 */
public final class DirtyResolver {
    /** What the operator found. */
    public enum Resolution {
        MARK_APPLIED,
        MARK_ROLLED_BACK
    }

    private final RevisionGraph graph;
    private final MigrationPlanner planner;
    private final Databases databases;
    private final ApplyOptions options;

    public DirtyResolver(RevisionGraph graph, Databases databases, ApplyOptions options) {
        this.graph = graph;
        this.planner = new MigrationPlanner(graph);
        this.databases = databases;
        this.options = options;
    }

    /**
     * The pending step must be one that could have run from these rows: an upgrade of a
     * revision not applied whose parents are, or a downgrade of a current head. Otherwise
     * marking it applied would write a version table that matches no schema.
     */
    private void requireNext(PendingStep step, Direction direction, List<String> rows) {
        if (graph.revision(step.revision()).isEmpty()) {
            throw new SchemafleetException("pending revision " + step.revision() + " is not in the revision graph:"
                    + " give --dir the directory that holds it, the one the revisions were published from");
        }
        Set<String> applied = graph.appliedRevisions(rows);
        boolean fits = direction == Direction.UPGRADE
                ? !applied.contains(step.revision())
                && applied.containsAll(graph.revision(step.revision()).orElseThrow().downRevisions())
                : rows.contains(step.revision());
        if (!fits) {
            throw new SchemafleetException("pending " + step.direction() + " of " + step.revision()
                    + " does not follow from the version table " + rows + "; mark it rolled back instead"
                    + " and let the agent plan again");
        }
    }

    /** Resolves the tenant's pending step; returns it. Fails if the tenant is not dirty. */
    public PendingStep resolve(Tenant tenant, Resolution resolution) {
        try {
            return resolveOrThrow(tenant, resolution);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                throw new SchemafleetException("tenant " + tenant.id() + " has no Schemafleet tables: nothing to resolve");
            }
            throw new SchemafleetException("tenant " + tenant.id() + ": " + SqlFailure.classify(e).sqlState() + " "
                    + SqlFailure.classify(e).message());
        }
    }

    private PendingStep resolveOrThrow(Tenant tenant, Resolution resolution) throws SQLException {
        TenantStore store = new TenantStore(tenant, options.layout());
        try (Connection c = databases.open(tenant.jdbcUrl())) {
            c.setAutoCommit(false);
            try {
                store.lockTransaction(c);
                Optional<PendingStep> pending = store.pending(c);
                if (pending.isEmpty()) {
                    throw new SchemafleetException("tenant " + tenant.id() + " is not dirty: nothing to resolve");
                }
                PendingStep step = pending.get();
                if (resolution == Resolution.MARK_APPLIED) {
                    Direction direction = Direction.ofCode(step.direction());
                    List<String> rows = store.rows(c);
                    requireNext(step, direction, rows);
                    store.apply(c, planner.changesFor(step.revision(), direction, rows));
                }
                HistoryOutcome outcome = resolution == Resolution.MARK_APPLIED
                        ? HistoryOutcome.RESOLVED_APPLIED : HistoryOutcome.RESOLVED_ROLLED_BACK;
                // A failure noted on the step stays in its history, with who settled it.
                store.finish(c, step.historyId(), outcome, Instant.now(), step.sqlState(),
                        (step.error() == null ? "" : step.error() + "; ") + "resolved by operator ("
                                + options.agentId() + ")");
                c.commit();
                return step;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
