package io.schemafleet.agent.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small connection pool per database (JDBC URL). Tenants in one database share its
 * pool; the pool size bounds how many of them work at once on that database.
 */
public final class Databases implements AutoCloseable {
    private final DbCredentials credentials;
    private final int poolSize;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public Databases(DbCredentials credentials, int poolSize) {
        this.credentials = credentials;
        this.poolSize = poolSize;
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
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
