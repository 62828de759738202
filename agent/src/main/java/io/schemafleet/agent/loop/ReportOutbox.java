package io.schemafleet.agent.loop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Tenant reports the broker did not take, kept to be sent again. The producer retries a
 * report for {@code delivery.timeout.ms} and then gives it up; the agent reports a tenant
 * only when its state changes, so without this a report lost in a longer broker outage
 * would leave the coordinator showing the tenant as it was before, for good.
 *
 * <p>Each report is numbered as it is sent. What is kept is a tenant's
 * <em>tail</em>: the reports after its last delivered one, all of which failed. They are
 * handed back for sending again, in their order, only while the tenant's newest report is
 * one of them: the coordinator keeps the last report it reads, so an older one must never
 * land after a newer one. A report delivered after failed ones drops them (it carries the
 * tenant's newer state; only their step lists are lost, as after an agent crash).
 *
 * <p>Thread-safe: the producer's callbacks call in from its I/O thread.
 */
final class ReportOutbox {
    /**
     * A report to send again: its tenant, its number, the record's value as first encoded
     * and, for the log, the tenant's state it reports.
     */
    record Undelivered(String tenant, long number, byte[] value, String state) {
    }

    private static final class Tail {
        long newest;
        long delivered;
        final TreeMap<Long, Undelivered> failed = new TreeMap<>();
    }

    private final Map<String, Tail> tails = new HashMap<>();
    /** Told of every tenant one of whose failed reports is dropped, never to be sent: its steps go with it. */
    private final Consumer<String> dropped;
    /** The last number given to a report. */
    private long issued;
    private long resent;
    /** Whether the broker took a record (any record) since the last report it did not. */
    private boolean brokerTakes = true;

    /** An outbox that tells {@code dropped} of each tenant whose failed report it drops for a newer one. */
    ReportOutbox(Consumer<String> dropped) {
        this.dropped = dropped;
    }

    /**
     * Numbers the tenant's next report; every report sent gets one, first sends and resends
     * alike. Numbers grow across all tenants, so one is never given twice, even after a
     * tenant with nothing outstanding has been forgotten: anything numbered before its tail
     * was made again counts as settled.
     */
    synchronized long number(String tenant) {
        Tail tail = tails.computeIfAbsent(tenant, t -> {
            Tail fresh = new Tail();
            fresh.delivered = issued;
            return fresh;
        });
        tail.newest = ++issued;
        return tail.newest;
    }

    /**
     * Keeps the report instead of sending it if the broker has taken nothing since the last
     * report it did not (the report then waits with the failed ones); returns whether it did.
     */
    synchronized boolean park(Undelivered report) {
        if (brokerTakes) {
            return false;
        }
        keep(report);
        return true;
    }

    /** The broker took a record that is not a tenant report (a heartbeat, say). */
    synchronized void brokerTookOne() {
        brokerTakes = true;
    }

    synchronized void delivered(String tenant, long number) {
        brokerTakes = true;
        settled(tenant, number);
    }

    /**
     * A report that can never be delivered (too large for the broker, say): it is given up
     * and stands, for ordering, where a delivered one would, so the failed ones before it are
     * not sent after it either.
     */
    synchronized void givenUp(String tenant, long number) {
        settled(tenant, number);
    }

    private void settled(String tenant, long number) {
        Tail tail = tails.get(tenant);
        if (tail == null) {
            return; // forgotten already: nothing of the tenant's is waiting
        }
        tail.delivered = Math.max(tail.delivered, number);
        if (!tail.failed.headMap(number, false).isEmpty()) {
            dropped.accept(tenant);
        }
        tail.failed.headMap(number, true).clear();
        if (tail.failed.isEmpty() && tail.delivered == tail.newest) {
            tails.remove(tenant); // all settled: a tenant that stays quiet costs nothing here
        }
    }

    synchronized void failed(Undelivered report) {
        brokerTakes = false;
        keep(report);
    }

    /** Keeps the report with its tenant's failed ones, unless one delivered after it made it stale. */
    private void keep(Undelivered report) {
        Tail tail = tails.get(report.tenant());
        if (tail != null && report.number() > tail.delivered) {
            tail.failed.put(report.number(), report);
        } else {
            dropped.accept(report.tenant());
        }
    }

    /**
     * The tenants with reports to send again now: those whose newest report is among their
     * failed ones (for any other, a newer report is on its way or was delivered). All of them
     * once the broker has taken a record since the last failure; before that only the one
     * whose oldest failure is oldest, as a probe: into an outage the rest would only fail
     * again, but a probe gets through where heartbeats cannot (their partition down, the
     * tenants' up).
     */
    synchronized Due tenantsDue() {
        List<String> due = new ArrayList<>();
        String probe = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, Tail> e : tails.entrySet()) {
            Tail tail = e.getValue();
            if (isDue(tail)) {
                due.add(e.getKey());
                if (tail.failed.firstKey() < oldest) {
                    oldest = tail.failed.firstKey();
                    probe = e.getKey();
                }
            }
        }
        return brokerTakes || probe == null ? new Due(due, false) : new Due(List.of(probe), true);
    }

    /** Tenants whose reports are due, and whether they are a probe into a broker that took nothing since. */
    record Due(List<String> tenants, boolean probe) {
    }

    /**
     * Takes the tenant's reports to send again, in their order, if they are still due. The
     * caller sends them before any newer report of the tenant, and each one sent is numbered
     * again ({@link #number}).
     */
    synchronized List<Undelivered> takeDue(String tenant) {
        Tail tail = tails.get(tenant);
        if (tail == null || !isDue(tail)) {
            return List.of();
        }
        List<Undelivered> due = new ArrayList<>(tail.failed.values());
        tail.failed.clear();
        resent += due.size();
        return due;
    }

    private static boolean isDue(Tail tail) {
        return !tail.failed.isEmpty() && tail.failed.lastKey() == tail.newest;
    }

    /** Reports waiting to be sent again. */
    synchronized int undelivered() {
        return tails.values().stream().mapToInt(t -> t.failed.size()).sum();
    }

    /** Reports handed back for sending again so far. */
    synchronized long resent() {
        return resent;
    }
}
