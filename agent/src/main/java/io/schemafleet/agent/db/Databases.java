package io.schemafleet.agent.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small connection pool per database (JDBC URL). Tenants in one database share its
 * pool; the pool size bounds how many of them work at once on that database. Every read
 * from the server gives up after a read timeout (the driver's {@code socketTimeout}), so
 * that a connection a network partition left silent fails, as a lost connection, instead
 * of holding its thread for good; the server keeps TCP keepalives on its end, so that it
 * drops such a connection too.
 */
public final class Databases implements AutoCloseable {
    /** The read timeout of the default statement timeout, 15 minutes ({@code ApplyOptions.readTimeout}). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(16);
    /** How long asking the pool for a connection may take, retries of a failing server included. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How the server's end of each connection notices an agent gone silent (ignored on
     * Unix-domain sockets): keepalives for an idle connection, and {@code tcp_user_timeout}
     * (PostgreSQL 12+) for one with a reply the agent never acknowledged, where keepalives are
     * not sent. Set through {@code pg_settings} so that a server without a setting skips it.
     */
    static final String SERVER_KEEPALIVES = "SELECT set_config(name, CASE name WHEN 'tcp_keepalives_idle' THEN '60'"
            + " WHEN 'tcp_keepalives_interval' THEN '10' WHEN 'tcp_keepalives_count' THEN '6' ELSE '120000' END, false)"
            + " FROM pg_settings WHERE name IN ('tcp_keepalives_idle', 'tcp_keepalives_interval',"
            + " 'tcp_keepalives_count', 'tcp_user_timeout')";

    private final DbCredentials credentials;
    private final int poolSize;
    private final Duration readTimeout;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    /** Pools with {@link #DEFAULT_READ_TIMEOUT}. */
    public Databases(DbCredentials credentials, int poolSize) {
        this(credentials, poolSize, DEFAULT_READ_TIMEOUT);
    }

    /** Pools whose reads wait at most {@code readTimeout} (whole seconds, rounded up) for the server. */
    public Databases(DbCredentials credentials, int poolSize, Duration readTimeout) {
        this.credentials = credentials;
        this.poolSize = poolSize;
        this.readTimeout = readTimeout;
    }

    /** A pooled connection to the database at {@code jdbcUrl}; the caller closes it. */
    public Connection open(String jdbcUrl) throws SQLException {
        try {
            return pools.computeIfAbsent(jdbcUrl, this::pool).getConnection();
        } catch (SQLTransientConnectionException e) {
            // The pool says only that no connection came in time; why (a refused connection, a
            // password or role the server turned down) is the last attempt's failure, its cause.
            if (e.getCause() instanceof SQLException why && why.getMessage() != null) {
                throw new SQLTransientConnectionException(why.getMessage() + " (no connection within "
                        + CONNECTION_TIMEOUT.toSeconds() + " s)", e.getSQLState(), e);
            }
            throw e;
        }
    }

    private HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (credentials.user() != null) {
            config.setUsername(credentials.user());
        }
        if (credentials.password() != null) {
            config.setPassword(credentials.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setPoolName("schemafleet-" + Math.abs(jdbcUrl.hashCode()));
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // Fail fast at the first connection rather than at pool start: an unreachable
        // tenant database must not stop the others.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "schemafleet-agent");
        // A socketTimeout in the URL wins over this one: the driver reads the URL's parameters last.
        config.addDataSourceProperty("socketTimeout", String.valueOf((readTimeout.toMillis() + 999) / 1000));
        // The other side of the same partition: a server session whose agent vanished would hold
        // its locks for as long as the operating system's TCP defaults take (hours idle, about a
        // quarter of an hour with a reply unacknowledged); these bring that to about two minutes.
        config.setConnectionInitSql(SERVER_KEEPALIVES);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
