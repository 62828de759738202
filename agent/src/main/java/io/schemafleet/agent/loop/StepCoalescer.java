package io.schemafleet.agent.loop;

import io.schemafleet.agent.apply.StepRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Groups a tenant's applied steps into {@code applying} reports: its first step goes out at
 * once, later ones at most once per window, and whatever is left when the tenant's pass
 * ends ({@link #flush}), just before its final report. A tenant that runs twenty quick steps
 * sends three reports rather than twenty-one, each step still in exactly one of them; the
 * reports topic, the broker and the coordinator's projection carry that much less. A step
 * is reported at most one window late (unless the agent dies first: the tenant's own
 * history table is the record, the coordinator's counts a view of it).
 */
final class StepCoalescer {
    /** Steps for one {@code applying} report, with the tenant's heads after the last of them. */
    record Batch(String tenant, String destination, String rolloutId, List<StepRecord> steps, List<String> heads,
                 Map<String, String> labels) {
    }

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Consumer<Batch> send;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    StepCoalescer(Duration window, LongSupplier nanoClock, Consumer<Batch> send) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        this.send = send;
    }

    /** A tenant's step committed; called from the thread working on that tenant. */
    void stepApplied(String tenant, String destination, String rolloutId, StepRecord step, List<String> heads,
                     Map<String, String> labels) {
        long now = nanoClock.getAsLong();
        Pending p = pending.computeIfAbsent(tenant, k -> new Pending(now - windowNanos));
        p.steps.add(step);
        p.last = new Batch(tenant, destination, rolloutId, List.of(), heads, labels);
        if (now - p.sentAt >= windowNanos) {
            p.sentAt = now;
            sendSteps(p);
        }
    }

    /**
     * A long step starts: the steps not reported yet go out now, then a report with no step
     * saying the tenant is applying from {@code heads}.
     */
    void longStepStarting(String tenant, String destination, String rolloutId, List<String> heads,
                          Map<String, String> labels) {
        flush(tenant);
        send.accept(new Batch(tenant, destination, rolloutId, List.of(), heads, labels));
    }

    /** The tenant's pass ended: its steps not reported yet go out now. */
    void flush(String tenant) {
        Pending p = pending.remove(tenant);
        if (p != null) {
            sendSteps(p);
        }
    }

    private void sendSteps(Pending p) {
        if (!p.steps.isEmpty()) {
            Batch b = p.last;
            send.accept(new Batch(b.tenant(), b.destination(), b.rolloutId(), List.copyOf(p.steps), b.heads(),
                    b.labels()));
            p.steps.clear();
        }
    }

    /** One tenant's steps since its last report. Only the thread working on the tenant touches it. */
    private static final class Pending {
        final List<StepRecord> steps = new ArrayList<>();
        long sentAt;
        Batch last;

        Pending(long sentAt) {
            this.sentAt = sentAt;
        }
    }
}
