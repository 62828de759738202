package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the revisions and rollouts topics into a {@link DesiredState}. Idempotent by
 * construction: a revision seen again with the same content, or a rollout event seen
 * again (a re-sent event), changes nothing; rollouts are ordered by their place in the
 * rollouts topic's single partition ({@link RolloutFold}). Owned by one thread.
 */
final class DesiredStateFold {
    private final Map<String, Revision> revisions = new LinkedHashMap<>();
    private final Set<String> conflicted = new HashSet<>();
    private final Set<String> retries = new HashSet<>();
    private final RolloutFold rollouts = new RolloutFold();
    private long version;
    private RevisionGraph graph;
    private final List<String> problems = new ArrayList<>();
    private boolean graphStale = true;

    /** Applies one event; true if the desired state changed. */
    boolean apply(Envelope envelope, EventBody body) {
        if (body instanceof RevisionPublished published) {
            return revision(published.revision());
        }
        if (rollouts.apply(body)) {
            version++;
            return true;
        }
        if (body instanceof TenantRetryRequested retry) {
            retries.add(retry.tenant());
            version++;
            return true;
        }
        return false;
    }

    private boolean revision(Revision revision) {
        String id = revision.id();
        if (conflicted.contains(id)) {
            return false;
        }
        Revision known = revisions.get(id);
        if (known != null) {
            if (known.checksum().equals(revision.checksum())) {
                return false;
            }
            // A published revision is immutable: two contents for one id means neither is trusted.
            revisions.remove(id);
            conflicted.add(id);
        } else {
            revisions.put(id, revision);
        }
        graphStale = true;
        version++;
        return true;
    }

    /** Forgets a retry request once it has been acted on. */
    void retried(String tenant) {
        retries.remove(tenant);
    }

    DesiredState snapshot(boolean caughtUp) {
        if (graphStale) {
            problems.clear();
            for (String id : conflicted) {
                problems.add("revision " + id + " was published twice with different content; refusing both");
            }
            try {
                graph = revisions.isEmpty() ? null : RevisionGraph.of(List.copyOf(revisions.values()));
            } catch (RevisionGraphException e) {
                graph = null;
                problems.add(e.kind().code() + ": " + e.getMessage());
            }
            graphStale = false;
        }
        RolloutBook book = rollouts.snapshot();
        return new DesiredState(version, graph, book.newest().map(RolloutBook.Rollout::to).orElse(null),
                book.newest().map(RolloutBook.Rollout::id).orElse(null), book, retries, problems, caughtUp);
    }
}
