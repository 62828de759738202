package io.schemafleet.agent.cli;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.protocol.revision.Revision;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor the agent is measured against: each revision's upgrade SQL in its own
 * transaction on each schema tenant, {@code parallel} tenants at once, and nothing else
 * (no lock, no version or history rows, no fingerprint). Used by {@code schemafleet bench}
 * and the fleet benchmarks in {@code deploy}.
 */
public final class PlainJdbcFloor {
    private PlainJdbcFloor() {
    }

    /** Brings every tenant through {@code chain}; returns when all are done, or throws the first failure. */
    public static void run(Databases pools, List<Tenant> tenants, List<Revision> chain, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Tenant tenant : tenants) {
                futures.add(pool.submit(() -> {
                    try (Connection c = pools.open(tenant.jdbcUrl()); Statement st = c.createStatement()) {
                        c.setAutoCommit(false);
                        for (Revision r : chain) {
                            st.execute("SET LOCAL search_path TO " + tenant.quotedSchema());
                            st.execute(r.upgradeSql());
                            c.commit();
                        }
                        c.setAutoCommit(true);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
