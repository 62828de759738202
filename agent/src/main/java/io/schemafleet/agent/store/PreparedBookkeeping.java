package io.schemafleet.agent.store;

import io.schemafleet.agent.db.SessionStatements;

import java.util.List;

/**
 * The step script's bookkeeping statements, prepared on the connection (SQL {@code PREPARE})
 * for one tenant at a time. A tenant's steps run one after another on one connection, so
 * from its second step on the checks and the history row are bound to plans the connection
 * already holds instead of being parsed, analysed and planned again on every step: that
 * was a quarter of the agent's own server time per step. The statements name the tenant's
 * tables, so a connection that moves on to another tenant drops them and prepares them anew.
 *
 * <p>Which session holds them for which tenant is kept by {@link SessionStatements}.
 */
final class PreparedBookkeeping {
    static final String CHECK = "schemafleet_check";
    static final String INSERT_ROW = "schemafleet_insert_row";
    static final String DELETE_ROW = "schemafleet_delete_row";
    static final String UPDATE_ROW = "schemafleet_update_row";
    static final String HISTORY = "schemafleet_history_row";
    /** Keyed by the tables the statements name. */
    static final SessionStatements HELD =
            new SessionStatements(List.of(CHECK, INSERT_ROW, DELETE_ROW, UPDATE_ROW, HISTORY));

    private PreparedBookkeeping() {
    }
}
