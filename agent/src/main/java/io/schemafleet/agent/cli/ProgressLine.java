package io.schemafleet.agent.cli;

import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.protocol.fleet.TenantState;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A one-line live progress report: done/total, failures, rate; redrawn at most ten times a second. */
final class ProgressLine {
    private final PrintWriter out;
    private final int total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private final Map<TenantState, AtomicInteger> byState = new ConcurrentHashMap<>();
    private volatile long lastDraw;

    ProgressLine(PrintWriter out, int total, boolean enabled) {
        this.out = out;
        this.total = total;
        this.enabled = enabled;
    }

    void accept(TenantResult result) {
        byState.computeIfAbsent(result.state(), s -> new AtomicInteger()).incrementAndGet();
        int n = done.incrementAndGet();
        long now = System.nanoTime();
        if (enabled && (n == total || now - lastDraw > 100_000_000L)) {
            lastDraw = now;
            draw(n, now);
        }
    }

    private synchronized void draw(int n, long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        int notConverged = n - count(TenantState.CONVERGED);
        out.printf(Locale.ROOT, "\r%d/%d tenants done, %d converged, %d not converged, %.1f tenants/s   ",
                n, total, count(TenantState.CONVERGED), notConverged, n / seconds);
        if (n == total) {
            out.println();
        }
        out.flush();
    }

    int count(TenantState state) {
        AtomicInteger c = byState.get(state);
        return c == null ? 0 : c.get();
    }
}
