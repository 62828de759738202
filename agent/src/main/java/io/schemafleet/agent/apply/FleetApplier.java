package io.schemafleet.agent.apply;

import io.schemafleet.agent.tenant.Tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reconciles many tenants on a bounded pool. One tenant's failure never stops the
 * others; each result is handed to {@code onResult} as soon as it is known (from the
 * worker thread), and all of them are returned in tenant order.
 */
public final class FleetApplier {
    private final TenantReconciler reconciler;
    private final int parallel;

    public FleetApplier(TenantReconciler reconciler, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.reconciler = reconciler;
        this.parallel = parallel;
    }

    public List<TenantResult> apply(List<Tenant> tenants, String destination, Consumer<TenantResult> onResult)
            throws InterruptedException {
        return apply(tenants, tenant -> reconciler.reconcile(tenant, destination), onResult);
    }

    /**
     * Runs {@code work} for every tenant on the pool (each tenant its own destination, or a
     * read-only look): the long-running agent, whose tenants follow different rollouts.
     */
    public List<TenantResult> apply(List<Tenant> tenants, Function<Tenant, TenantResult> work,
                                    Consumer<TenantResult> onResult) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, tenants.size())), r -> {
            Thread t = new Thread(r, "schemafleet-apply");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TenantResult>> futures = new ArrayList<>(tenants.size());
            for (Tenant tenant : tenants) {
                futures.add(pool.submit(() -> {
                    TenantResult result = work.apply(tenant);
                    onResult.accept(result);
                    return result;
                }));
            }
            List<TenantResult> results = new ArrayList<>(tenants.size());
            for (Future<TenantResult> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("reconciling a tenant failed unexpectedly", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
