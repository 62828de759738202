package io.schemafleet.coordinator.rollout;

import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.projection.Heads;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.publish.EventWriter.Decision;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.store.PublishedGraph;
import io.schemafleet.protocol.event.EventBody;
import io.schemafleet.protocol.event.InvalidEventException;
import io.schemafleet.protocol.event.RolloutAborted;
import io.schemafleet.protocol.event.RolloutPaused;
import io.schemafleet.protocol.event.RolloutResumed;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantPinned;
import io.schemafleet.protocol.event.TenantUnpinned;
import io.schemafleet.protocol.event.Wave;
import io.schemafleet.protocol.event.WaveAdmitted;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every operation on rollouts and pins, each deciding from the projection under the
 * event writer's lock and appending what it decided ({@link EventWriter#decideOnRollouts}):
 * operators' requests, and the engine's tick, which runs on its own thread every
 * {@code schemafleet.rollout-tick}. Rules in docs/rollouts.md.
 */
@Singleton
public class RolloutService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutService.class);
    private static final DateTimeFormatter ROLLOUT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final EventWriter writer;
    private final RolloutQueries queries;
    private final PublishedGraph published;
    private final CoordinatorConfig config;
    private ScheduledExecutorService ticker;
    /** The engine's last failure, if its last tick failed (its thread's alone). */
    private String lastFailure;

    public RolloutService(EventWriter writer, RolloutQueries queries, PublishedGraph published,
                          CoordinatorConfig config) {
        this.writer = writer;
        this.queries = queries;
        this.published = published;
        this.config = config;
    }

    /**
     * A request to start a rollout.
     *
     * @param to        destination (relative ones are resolved against the fleet's current destination)
     * @param waves     in order; empty: the whole fleet at once
     * @param supersede replace a rollout that is still running, paused or halted
     */
    public record StartRequest(String to, List<Wave> waves, boolean supersede) {
    }

    /**
     * The rollout started: its id, its destination as recorded, the one it followed and that
     * one's state then ({@code running}, {@code paused}, {@code halted}: replaced;
     * {@code completed}, {@code aborted}: it had ended already).
     */
    public record Started(String rolloutId, String to, String supersedes, String previousState) {
    }

    public Started start(StartRequest request) {
        if (!request.supersede()) {
            settle();
        }
        return writer.decideOnRollouts(() -> {
            RevisionGraph graph = published.graph();
            if (graph.size() == 0) {
                throw invalid("NothingPublished", "no revision is published yet: publish revisions before starting "
                        + "a rollout");
            }
            if (request.to() == null || request.to().isBlank()) {
                throw invalid("InvalidRequest", "'to' is required (e.g. \"head\")");
            }
            Optional<RolloutRow> current = queries.current();
            if (current.isPresent() && current.get().active() && !request.supersede()) {
                RolloutRow r = current.get();
                throw new RequestRefused(RequestRefused.Reason.CONFLICT, "RolloutInProgress", "rollout " + r.id()
                        + " to " + r.to() + " is " + r.state() + " (wave " + r.admitted() + " of " + r.waves().size()
                        + "): abort it first, or replace it (\"supersede\": true; on the command line, --supersede)");
            }
            String to = resolve(graph, request.to().strip(), current);
            String id = "r-" + ROLLOUT_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
            RolloutStarted started;
            try {
                started = new RolloutStarted(id, to, request.waves(), current.map(RolloutRow::id).orElse(null),
                        current.map(r -> frozen(graph, r.to())).orElse(null));
            } catch (InvalidEventException e) {
                throw invalid("InvalidRequest", e.getMessage());
            }
            List<EventBody> events = new ArrayList<>(List.of(started));
            if (!started.waves().isEmpty()) {
                events.add(new WaveAdmitted(id, started.waves().get(0).name(), 0));
            }
            LOG.info("rollout {} to {} ({} waves) started", id, to, started.waves().size());
            return new Decision<>(events, new Started(id, to, started.supersedes(),
                    current.map(RolloutRow::state).orElse(null)));
        });
    }

    /** running → paused. */
    public RolloutRow pause(String id, String by) {
        return transition(id, "running", "paused", "pause", new RolloutPaused(id, by));
    }

    /** paused → running. */
    public RolloutRow resume(String id, String by) {
        return transition(id, "paused", "running", "resume", new RolloutResumed(id, by));
    }

    /** running, paused or halted → aborted. */
    public RolloutRow abort(String id, String by) {
        return transition(id, null, "aborted", "abort", new RolloutAborted(id, by));
    }

    /** Pins {@code tenant} at {@code to}; null {@code to}: where it is now. */
    public TenantPinned pin(String tenant, String to, String by) {
        return writer.decideOnRollouts(() -> {
            String heads = queries.tenantHeads(tenant).orElseThrow(() -> invalid("NotFound",
                    "no tenant '" + tenant + "' has reported"));
            String destination = to;
            if (destination == null || destination.isBlank()) {
                List<String> ids = Heads.ids(heads);
                if (ids.size() > 1) {
                    throw invalid("InvalidRequest", "tenant " + tenant + " has several heads (" + heads
                            + "): name the destination to pin it at with \"to\"");
                }
                destination = ids.isEmpty() ? "base" : ids.get(0);
            }
            if (MigrationPlanner.relativeToCurrent(destination)) {
                throw invalid("InvalidRequest", "a pin needs an absolute destination, not '" + destination + "'");
            }
            RevisionGraph graph = published.graph();
            List<String> leadsTo = checkResolves(graph, destination);
            if (MigrationPlanner.namesHeads(destination)) {
                throw invalid("InvalidRequest", "a pin holds a tenant in place, and '" + destination + "' moves with"
                        + " every publish (it is " + String.join(", ", leadsTo) + " now): name a revision");
            }
            destination = canonical(graph, destination, leadsTo);
            TenantPinned pinned;
            try {
                pinned = new TenantPinned(tenant, destination, by);
            } catch (InvalidEventException e) {
                throw invalid("InvalidRequest", e.getMessage());
            }
            return new Decision<>(List.of(pinned), pinned);
        });
    }

    public TenantUnpinned unpin(String tenant, String by) {
        return writer.decideOnRollouts(() -> {
            if (!queries.pins().containsKey(tenant)) {
                throw new RequestRefused(RequestRefused.Reason.CONFLICT, "Conflict", "tenant " + tenant
                        + " is not pinned");
            }
            TenantUnpinned unpinned = new TenantUnpinned(tenant, by);
            return new Decision<>(List.of(unpinned), unpinned);
        });
    }

    /**
     * Lets the engine look at the current rollout now instead of at its next tick, so that
     * a rollout that has just converged is completed before a new one is judged against it
     * (a pipeline starts the next rollout the moment {@code watch} says converged).
     */
    private void settle() {
        for (int steps = 0; steps < 4 && tick().isPresent(); steps++) {
            // each step appends one transition (wave converged, admitted, completed)
        }
    }

    /** One step of the engine for the current rollout; the event appended, if any. */
    public Optional<EventBody> tick() {
        writer.awaitReports();
        return writer.decideOnRollouts(() -> {
            Optional<RolloutRow> current = queries.current();
            if (current.isEmpty()) {
                return new Decision<>(List.of(), Optional.<EventBody>empty());
            }
            RolloutRow r = current.get();
            Optional<EventBody> next = RolloutEngine.decide(r, r.state().equals("running") ? queries.counts(r)
                    : List.of(), Instant.now(), wave -> queries.failedTenants(r, wave, 5));
            next.ifPresent(e -> LOG.info("rollout {}: {}", r.id(), e));
            return new Decision<>(next.<List<EventBody>>map(List::of).orElse(List.of()), next);
        });
    }

    /** Starts the engine's thread (after the writer and the projection started). */
    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schemafleet-rollout-engine");
            t.setDaemon(true);
            return t;
        });
        long every = config.getRolloutTick().toMillis();
        ticker.scheduleWithFixedDelay(() -> {
            try {
                // Several transitions may be due at once (converged and no soak): take them in a row.
                for (int i = 0; i < 10 && tick().isPresent(); i++) {
                    LOG.debug("rollout engine took a step");
                }
                lastFailure = null;
            } catch (RuntimeException e) {
                // A failure that lasts (Kafka away, a fenced writer) is logged once, not at every tick.
                boolean again = e.toString().equals(lastFailure);
                lastFailure = e.toString();
                if (again) {
                    LOG.debug("rollout engine step failed again: {}", e.toString());
                } else {
                    LOG.warn("rollout engine step failed; trying again every {} ms: {}", every, e.toString());
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
    }

    private RolloutRow transition(String id, String from, String to, String verb, EventBody event) {
        return writer.decideOnRollouts(() -> {
            RolloutRow r = queries.get(id).orElseThrow(() -> invalid("NotFound", "no rollout '" + id + "'"));
            boolean allowed = from == null ? r.active() : r.state().equals(from);
            if (!allowed) {
                throw new RequestRefused(RequestRefused.Reason.CONFLICT, "Conflict", r.state().equals(to)
                        ? "rollout " + id + " is " + to + " already: nothing to " + verb
                        : "cannot " + verb + " rollout " + id + ": it is " + r.state());
            }
            return new Decision<>(List.of(event), r);
        });
    }

    /**
     * The destination to record: a relative one ({@code -1}, {@code +1}, {@code x@-1}) is
     * resolved once, against the heads of the fleet's current destination (as Alembic
     * resolves it against a version table), to the one revision it names.
     */
    private static String resolve(RevisionGraph graph, String to, Optional<RolloutRow> current) {
        if (!MigrationPlanner.relativeToCurrent(to)) {
            return canonical(graph, to);
        }
        if (current.isEmpty()) {
            throw invalid("InvalidRequest", "'" + to + "' is relative to the fleet's destination, and there is none"
                    + " yet: name a revision");
        }
        List<String> heads;
        try {
            List<String> from = PublishedGraph.headsAt(graph, current.get().to());
            MigrationPlanner planner = new MigrationPlanner(graph);
            boolean down = to.substring(to.indexOf('@') + 1).startsWith("-");
            heads = (down ? planner.downgrade(to, from) : planner.upgrade(to, from)).headsAfter();
        } catch (RevisionGraphException e) {
            throw invalid(e.kind().code(), "destination '" + to + "' does not resolve from the fleet's destination "
                    + current.get().to() + ": " + e.getMessage());
        }
        if (heads.size() > 1) {
            throw invalid("MultipleHeads", "destination '" + to + "' from " + current.get().to()
                    + " leaves several heads (" + String.join(", ", heads) + "): name one revision");
        }
        return heads.isEmpty() ? "base" : heads.get(0);
    }

    /**
     * What the previous rollout's destination is frozen at: a floating one ({@code head},
     * {@code x@head}) resolved now when it names one revision; null (stays as written) otherwise.
     */
    private static String frozen(RevisionGraph graph, String to) {
        if (!MigrationPlanner.namesHeads(to)) {
            return null;
        }
        try {
            List<String> heads = PublishedGraph.headsAt(graph, to);
            return heads.size() == 1 ? heads.get(0) : null;
        } catch (RevisionGraphException e) {
            return null;
        }
    }

    /**
     * A fixed destination as it is recorded: by the whole id of the revision it names, so that
     * a revision published later whose id starts the same cannot make it ambiguous (an id is
     * accepted by any unique prefix, as by Alembic). {@code base}, branch labels and floating
     * destinations are kept as written: they are names, not prefixes. One that does not resolve
     * in {@code graph} is refused.
     */
    static String canonical(RevisionGraph graph, String destination) {
        return canonical(graph, destination, checkResolves(graph, destination));
    }

    /** {@link #canonical(RevisionGraph, String)}, given where the destination leads from an empty table. */
    private static String canonical(RevisionGraph graph, String destination, List<String> leadsTo) {
        if (MigrationPlanner.namesHeads(destination) || destination.equals("base")
                || graph.labelledRevision(destination).isPresent()) {
            return destination;
        }
        if (leadsTo.size() <= 1) {
            return leadsTo.isEmpty() ? "base" : leadsTo.get(0); // an id, a prefix, "ae10+1"
        }
        try {
            return graph.resolveOne(destination).orElse(destination); // a revision whose dependencies stay heads
        } catch (RevisionGraphException e) {
            return destination; // names several revisions: recorded as written
        }
    }

    /** Where {@code to} leads from an empty version table; refused when it does not resolve. */
    private static List<String> checkResolves(RevisionGraph graph, String to) {
        try {
            return PublishedGraph.headsAt(graph, to);
        } catch (RevisionGraphException e) {
            throw invalid(e.kind().code(), "destination '" + to + "' does not resolve in the published graph: "
                    + e.getMessage());
        }
    }

    private static RequestRefused invalid(String type, String message) {
        return new RequestRefused(RequestRefused.Reason.INVALID, type, message);
    }
}
