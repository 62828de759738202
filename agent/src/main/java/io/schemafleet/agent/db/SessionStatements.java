package io.schemafleet.agent.db;

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
 * A set of SQL {@code PREPARE}d statements and which version of them ("key") each
 * PostgreSQL session holds, so that a script prepares them only where they are missing or
 * stale and otherwise just {@code EXECUTE}s them.
 *
 * <p>PostgreSQL keeps prepared statements per session and does not roll them back with a
 * transaction. What a session holds is remembered here after a script that ran to its
 * end; after any other outcome the caller {@linkplain #forget forgets} it, and it is read
 * back from {@code pg_prepared_statements} before the next script, so a half-run script
 * can never leave this record wrong.
 */
public final class SessionStatements {
    private final List<String> names;
    /** Physical connection → the key its statements were prepared for; absent: unknown. */
    private final Map<Object, String> held = Collections.synchronizedMap(new WeakHashMap<>());

    /** {@code names}: every statement name the prepare SQL creates. */
    public SessionStatements(List<String> names) {
        this.names = List.copyOf(names);
    }

    /**
     * The SQL that must run before a script's first {@code EXECUTE}: nothing if {@code c}
     * already holds the statements for {@code key}, otherwise {@code DEALLOCATE} of what it
     * holds and {@code prepare}. Records the statements as held for {@code key}: the caller
     * {@linkplain #forget forgets} them unless the script runs to its end.
     */
    public String ensure(Connection c, String key, String prepare) throws SQLException {
        Object session = session(c);
        String before = held.get(session);
        if (key.equals(before)) {
            return "";
        }
        List<String> present = before == null ? present(c) : names;
        StringBuilder sql = new StringBuilder();
        for (String name : present) {
            sql.append("DEALLOCATE ").append(name).append(";\n");
        }
        held.put(session, key);
        return sql.append(prepare).toString();
    }

    /** What {@code c} holds is not known any more (a script stopped short). */
    public void forget(Connection c) {
        try {
            held.remove(session(c));
        } catch (SQLException e) {
            // A connection that cannot be unwrapped is broken: the pool discards it.
        }
    }

    /** Ours among the statements the session holds. */
    private List<String> present(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM pg_prepared_statements")) {
            while (rs.next()) {
                if (names.contains(rs.getString(1))) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The driver's connection under the pool's proxy: one per PostgreSQL session. */
    private static Object session(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class) ? c.unwrap(PGConnection.class) : c;
    }
}
