package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.AgentHeartbeat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Events the agent refused to apply (bad, missing or unknown-key signatures; a revision
 * id with two contents): how many since it started and why the latest was refused.
 * Reported in heartbeats and on {@code /health}. Thread-safe.
 */
public final class Refusals {
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();

    void record(String why) {
        String reason = why.replaceAll("\\p{Cntrl}", " ");
        last.set(reason.length() > AgentHeartbeat.MAX_REFUSAL
                ? reason.substring(0, AgentHeartbeat.MAX_REFUSAL - 3) + "..." : reason);
        count.incrementAndGet();
    }

    /** Events refused since the agent started. */
    public long count() {
        return count.get();
    }

    /** Why the latest one was refused; null when none was. */
    public String last() {
        return last.get();
    }
}
