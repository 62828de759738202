package io.schemafleet.agent.apply;

import java.sql.SQLException;

/**
 * A classified database error: whether trying again can help is decided here, by
 * SQLSTATE, and nowhere else.
 *
 * @param sqlState  the five-character SQLSTATE ({@code null} if the driver gave none)
 * @param message   the server's message, first line only (never row data from DETAIL)
 * @param retryable true for errors a retry can cure: connection loss (class 08),
 *                  serialization failure and deadlock (40001, 40P01), lock timeout
 *                  (55P03), query cancelled by timeout (57014), server shutdown or
 *                  terminated backend (57P01..57P03), insufficient resources (class 53)
 */
public record SqlFailure(String sqlState, String message, boolean retryable) {
    /**
     * What HikariCP throws, without any SQLSTATE, for every use of a connection it has already
     * evicted as broken (after a 57P01 or an I/O error on it). It is PostgreSQL's 08003,
     * connection_does_not_exist, and as transient: taken for a permanent failure, it failed a
     * tenant for good when its PostgreSQL restarted under the agent (PostgresRestartIT).
     */
    static final String CLOSED_BY_POOL = "Connection is closed";

    public static SqlFailure classify(SQLException e) {
        String state = e.getSQLState();
        if (state == null && CLOSED_BY_POOL.equals(e.getMessage())) {
            state = "08003";
        }
        return new SqlFailure(state, firstLine(e.getMessage()), isTransient(state));
    }

    /**
     * The connection broke (class 08, or the server shut down or is starting up: 57P01..57P03).
     * A step that fails so may yet have committed ({@link InDoubtSteps}), and the tenant is
     * unreachable rather than failed: nothing about its SQL is known to be wrong.
     */
    public boolean connectionLost() {
        return lostConnection(sqlState);
    }

    private static boolean lostConnection(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    static boolean isTransient(String state) {
        if (state == null || state.length() != 5) {
            return false;
        }
        return lostConnection(state) || state.startsWith("53")
                || state.equals("40001") || state.equals("40P01") || state.equals("55P03") || state.equals("57014");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("").strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
