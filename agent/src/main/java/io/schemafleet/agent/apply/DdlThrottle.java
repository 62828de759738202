package io.schemafleet.agent.apply;

import io.schemafleet.agent.tenant.Tenant;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Caps how many steps run at once against one database server, whatever the pool
 * size, so that a rollout cannot swamp one host. Servers are told apart by the host
 * and port of the tenant's JDBC URL.
 */
public final class DdlThrottle {
    private final int perServer;
    private final Map<String, Semaphore> servers = new ConcurrentHashMap<>();

    public DdlThrottle(int perServer) {
        if (perServer < 1) {
            throw new IllegalArgumentException("DDL cap per server must be at least 1");
        }
        this.perServer = perServer;
    }

    /** Waits for a slot on the tenant's server; close the permit to give it back. */
    public Permit acquire(Tenant tenant) throws InterruptedException {
        Semaphore semaphore = servers.computeIfAbsent(serverOf(tenant.jdbcUrl()), k -> new Semaphore(perServer, true));
        semaphore.acquire();
        return semaphore::release;
    }

    public int perServer() {
        return perServer;
    }

    /** {@code host:port} of a {@code jdbc:postgresql://host:port/db?...} URL (the whole URL if it has another form). */
    static String serverOf(String jdbcUrl) {
        String prefix = "jdbc:postgresql://";
        if (!jdbcUrl.startsWith(prefix)) {
            return jdbcUrl;
        }
        String rest = jdbcUrl.substring(prefix.length());
        int end = rest.length();
        for (char stop : new char[] {'/', '?'}) {
            int i = rest.indexOf(stop);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        // Hosts without a port use PostgreSQL's 5432: the same server as when it is spelled out.
        StringBuilder hosts = new StringBuilder();
        for (String host : rest.substring(0, end).split(",")) {
            boolean bracketed = host.startsWith("[");
            boolean hasPort = bracketed ? host.contains("]:") : host.contains(":");
            hosts.append(hosts.length() == 0 ? "" : ",").append(host).append(hasPort ? "" : ":5432");
        }
        return hosts.toString();
    }

    /** A held slot. */
    @FunctionalInterface
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
