package io.schemafleet.agent.loop;

import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.Envelope;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.revision.Revision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    /**
     * Describe requests already in the log when the agent started are answered only if
     * younger than this (by their envelope time against the agent's clock).
     */
    static final Duration DESCRIBE_MAX_AGE = Duration.ofMinutes(2);

    private final Map<String, Revision> revisions = new LinkedHashMap<>();
    private final Set<String> conflicted = new HashSet<>();
    /** Tenant → where its newest retry request not acted on yet is in the rollouts topic. */
    private final Map<String, Long> retries = new HashMap<>();
    /** Describe requests not yet handed to the responder: one-shot commands, not desired state. */
    private final List<DescribeRequested> describes = new ArrayList<>();
    private final RolloutFold rollouts = new RolloutFold();
    private long version;
    private RevisionGraph graph;
    private final List<String> problems = new ArrayList<>();
    private boolean graphStale = true;

    /**
     * Applies one event, read at {@code offset} of its topic; {@code replayed} if it was in
     * the log before the agent started. True if the desired state changed.
     */
    boolean apply(Envelope envelope, EventBody body, long offset, boolean replayed) {
        if (body instanceof RevisionPublished published) {
            return revision(published.revision());
        }
        if (rollouts.apply(body)) {
            version++;
            return true;
        }
        if (body instanceof DescribeRequested describe) {
            // Not desired state (nothing to reconcile). Re-reading the topic after a restart
            // must not answer requests nobody waits for any more; one that arrives while the
            // agent runs is answered whatever the clocks say, so an agent whose clock is ahead
            // of the coordinator's still answers.
            if (!replayed || envelope.at().isAfter(Instant.now().minus(DESCRIBE_MAX_AGE))) {
                describes.add(describe);
            }
            return false;
        }
        if (body instanceof TenantRetryRequested retry) {
            retries.put(retry.tenant(), offset);
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

    /** Describe requests received since the last call, oldest first. */
    List<DescribeRequested> takeDescribes() {
        List<DescribeRequested> out = List.copyOf(describes);
        describes.clear();
        return out;
    }

    /** Whether revision {@code id} was seen with two contents (and both are refused). */
    boolean conflicted(String id) {
        return conflicted.contains(id);
    }

    /** Forgets a retry request once it has been acted on; a newer one for the tenant stays. */
    void retried(String tenant, long requestOffset) {
        retries.remove(tenant, requestOffset);
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
