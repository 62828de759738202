package io.schemafleet.agent.store;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The step script's bookkeeping statements, prepared on the connection (SQL {@code PREPARE})
 * for one tenant at a time. A tenant's steps run one after another on one connection, so
 * from its second step on the checks and the history row are bound to plans the connection
 * already holds instead of being parsed, analysed and planned again on every step: that
 * was a quarter of the agent's own server time per step. The statements name the tenant's
 * tables, so a connection that moves on to another tenant drops them and prepares them anew.
 *
 * <p>PostgreSQL keeps prepared statements per session and does not roll them back with a
 * transaction. What a connection holds is remembered here after a script that ran to its
 * end; after any other outcome it is forgotten ({@link #forget}) and read back from
 * {@code pg_prepared_statements} before the next script, so a half-run script can never
 * leave this record wrong.
 */
final class PreparedBookkeeping {
    static final String CHECK = "schemafleet_check";
    static final String INSERT_ROW = "schemafleet_insert_row";
    static final String DELETE_ROW = "schemafleet_delete_row";
    static final String UPDATE_ROW = "schemafleet_update_row";
    static final String HISTORY = "schemafleet_history_row";
    private static final List<String> NAMES = List.of(CHECK, INSERT_ROW, DELETE_ROW, UPDATE_ROW, HISTORY);

    /** Physical connection → the tables its statements name ("" for none); absent: unknown. */
    private static final Map<Object, String> HELD = Collections.synchronizedMap(new WeakHashMap<>());

    private PreparedBookkeeping() {
    }

    /**
     * The SQL that must run before the script's first {@code EXECUTE}: nothing if {@code c}
     * already holds the statements for {@code tables}, otherwise {@code DEALLOCATE} of what it
     * holds and {@code prepare}. Records the statements as held for {@code tables}: the
     * caller {@linkplain #forget forgets} them unless the script runs to its end.
     */
    static String ensure(Connection c, String tables, String prepare) throws SQLException {
        Object session = session(c);
        String held = HELD.get(session);
        if (tables.equals(held)) {
            return "";
        }
        List<String> present = held == null ? present(c) : held.isEmpty() ? List.of() : NAMES;
        StringBuilder sql = new StringBuilder();
        for (String name : present) {
            sql.append("DEALLOCATE ").append(name).append(";\n");
        }
        HELD.put(session, tables);
        return sql.append(prepare).toString();
    }

    /** What {@code c} holds is not known any more (a script stopped short). */
    static void forget(Connection c) {
        try {
            HELD.remove(session(c));
        } catch (SQLException e) {
            // A connection that cannot be unwrapped is broken: the pool discards it.
        }
    }

    /** Ours among the statements the session holds. */
    private static List<String> present(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM pg_prepared_statements")) {
            while (rs.next()) {
                if (NAMES.contains(rs.getString(1))) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** The driver's connection under the pool's proxy: one per PostgreSQL session. */
    private static Object session(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class) ? c.unwrap(PGConnection.class) : c;
    }
}
