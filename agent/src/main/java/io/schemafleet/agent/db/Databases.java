package io.schemafleet.agent.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
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

    /** TCP keepalives of the server's end of each connection (ignored on Unix-domain sockets). */
    static final String SERVER_KEEPALIVES = "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10;"
            + " SET tcp_keepalives_count = 6";

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
        return pools.computeIfAbsent(jdbcUrl, this::pool).getConnection();
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
        config.setConnectionTimeout(10_000);
        // Fail fast at the first connection rather than at pool start: an unreachable
        // tenant database must not stop the others.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "schemafleet-agent");
        // A socketTimeout in the URL wins over this one: the driver reads the URL's parameters last.
        config.addDataSourceProperty("socketTimeout", String.valueOf((readTimeout.toMillis() + 999) / 1000));
        // The other side of the same partition: a server session whose agent vanished would hold
        // the tenant's session lock (a non-transactional step's) for hours, PostgreSQL's default
        // keepalives; these let the server drop it about two minutes after the agent went silent.
        config.setConnectionInitSql(SERVER_KEEPALIVES);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
