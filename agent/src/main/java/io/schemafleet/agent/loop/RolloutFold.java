package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RolloutAborted;
import io.schemafleet.protocol.event.RolloutCompleted;
import io.schemafleet.protocol.event.RolloutHalted;
import io.schemafleet.protocol.event.RolloutPaused;
import io.schemafleet.protocol.event.RolloutResumed;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantPinned;
import io.schemafleet.protocol.event.TenantUnpinned;
import io.schemafleet.protocol.event.WaveAdmitted;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the rollouts topic, in log order, into a {@link RolloutBook}. Lenient by design:
 * the coordinator validated every transition before appending it, and compaction may
 * drop intermediate ones, so each event simply sets what it says (a pause pauses, a
 * resume, abort, halt or completion unpauses; an admission raises the admitted count).
 * Replays and duplicates change nothing. Owned by one thread.
 */
final class RolloutFold {
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    private final List<Entry> inOrder = new ArrayList<>();
    private final Map<String, String> pins = new HashMap<>();

    private static final class Entry {
        final RolloutStarted started;
        String to;
        int admitted;
        boolean paused;

        Entry(RolloutStarted started) {
            this.started = started;
            this.to = started.to();
        }
    }

    /** Applies one event; true if it changed the book. */
    boolean apply(EventBody body) {
        if (body instanceof RolloutStarted e) {
            if (byId.containsKey(e.rolloutId())) {
                return false;
            }
            if (!inOrder.isEmpty() && e.previousTo() != null) {
                inOrder.get(inOrder.size() - 1).to = e.previousTo();
            }
            // A newer rollout ends every older one's pause: their tenants are no longer held for them.
            inOrder.forEach(older -> older.paused = false);
            Entry entry = new Entry(e);
            byId.put(e.rolloutId(), entry);
            inOrder.add(entry);
            return true;
        }
        if (body instanceof WaveAdmitted e) {
            Entry entry = byId.get(e.rolloutId());
            if (entry == null || entry.admitted > e.index()) {
                return false;
            }
            entry.admitted = Math.min(e.index() + 1, entry.started.waves().size());
            return true;
        }
        if (body instanceof RolloutPaused e) {
            return pause(e.rolloutId(), true);
        }
        if (body instanceof RolloutResumed e) {
            return pause(e.rolloutId(), false);
        }
        if (body instanceof RolloutAborted e) {
            return pause(e.rolloutId(), false);
        }
        if (body instanceof RolloutHalted e) {
            return pause(e.rolloutId(), false);
        }
        if (body instanceof RolloutCompleted e) {
            return pause(e.rolloutId(), false);
        }
        if (body instanceof TenantPinned e) {
            return !e.to().equals(pins.put(e.tenant(), e.to()));
        }
        if (body instanceof TenantUnpinned e) {
            return pins.remove(e.tenant()) != null;
        }
        return false;
    }

    private boolean pause(String rolloutId, boolean paused) {
        Entry entry = byId.get(rolloutId);
        if (entry == null || entry.paused == paused) {
            return false;
        }
        entry.paused = paused;
        return true;
    }

    RolloutBook snapshot() {
        List<RolloutBook.Rollout> newestFirst = new ArrayList<>(inOrder.size());
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            Entry e = inOrder.get(i);
            newestFirst.add(new RolloutBook.Rollout(e.started.rolloutId(), e.to, e.started.waves(), e.admitted,
                    e.paused));
        }
        return new RolloutBook(newestFirst, pins);
    }
}
