package io.schemafleet.agent.loop;

import io.schemafleet.agent.apply.DdlThrottle;
import io.schemafleet.agent.apply.Fingerprinter;
import io.schemafleet.agent.apply.FleetApplier;
import io.schemafleet.agent.apply.InDoubtSteps;
import io.schemafleet.agent.apply.StepListener;
import io.schemafleet.agent.apply.StepRecord;
import io.schemafleet.agent.apply.StepResends;
import io.schemafleet.agent.apply.TenantReconciler;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.tenant.Discovery;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.tenant.TenantSource;
import io.schemafleet.protocol.fleet.TenantState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-running agent: follows the log for the desired state, reconciles its
 * tenants whenever that changes and on every resync, reports each tenant's outcome
 * and sends heartbeats. Events only wake the loop; what runs is decided by comparing
 * each tenant's own tables with the desired state, so redelivered, duplicated or
 * reordered events change nothing.
 */
public final class AgentLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    /** How often at most a tenant's steps are reported while it moves (see {@link StepCoalescer}). */
    static final Duration STEP_REPORT_WINDOW = Duration.ofMillis(500);

    private final AgentSettings settings;
    private final TenantSource source;
    private final Databases databases;
    private final Fingerprinter fingerprinter;
    private final DdlThrottle throttle;
    private final LogFollower follower;
    private final ReportPublisher publisher;
    private final StepCoalescer steps;
    private final DescribeResponder describer;
    private final AgentMetrics metrics;
    private final Refusals refusals = new Refusals();
    private final InDoubtSteps inDoubt = new InDoubtSteps();
    private final StepResends resends = StepResends.fromStart();
    private final AtomicReference<DesiredState> desired = new AtomicReference<>();
    private final Semaphore wake = new Semaphore(0);
    /** Tenants that failed, and the plan (destination and graph) they failed under. */
    private final Map<String, String> failedUnder = new ConcurrentHashMap<>();
    /**
     * Retry requests acted on, by tenant: the desired state in hand still holds one until the
     * next event rebuilds it, and acting on it again would retry the tenant at every resync.
     */
    private final Map<String, Long> retriesTaken = new ConcurrentHashMap<>();
    /** Tenants being reconciled now: those a stop that cannot wait for the pass leaves mid-step. */
    private final Set<String> reconciling = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tenantCount = new AtomicInteger();
    private final Map<String, String> lastReported = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat"));
    private final Thread logThread;
    private final Thread reconcileThread;
    private volatile boolean running = true;

    public AgentLoop(AgentSettings settings, TenantSource source, Databases databases, Fingerprinter fingerprinter) {
        this.settings = settings;
        this.source = source;
        this.databases = databases;
        this.fingerprinter = fingerprinter;
        this.throttle = new DdlThrottle(settings.ddlPerServer());
        this.publisher = new ReportPublisher(settings.topics(), settings.agentId(), settings.kafka(), resends);
        this.steps = new StepCoalescer(STEP_REPORT_WINDOW, System::nanoTime, publisher::stepsApplied);
        this.describer = new DescribeResponder(source, databases, publisher);
        this.follower = new LogFollower(settings.topics(), settings.kafka(), settings.trust(), refusals,
                this::desiredChanged, describer::answer);
        this.metrics = new AgentMetrics(settings.agentId(), follower, publisher);
        this.logThread = daemon("log").newThread(follower);
        this.reconcileThread = daemon("reconcile").newThread(this::reconcileLoop);
    }

    public void start() {
        if (settings.trust().allowUnsigned()) {
            LOG.warn("DEVELOPMENT MODE: agent {} applies UNSIGNED events from the revisions and rollouts topics:"
                    + " anyone who can write to them can run SQL on its tenants. Never do this in production.",
                    settings.agentId());
        }
        LOG.info("agent {} verifies events with {}", settings.agentId(), settings.trust().describe());
        logThread.start();
        reconcileThread.start();
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("agent {} started", settings.agentId());
    }

    /** The desired state as last read from the log. */
    public Optional<DesiredState> desired() {
        return Optional.ofNullable(desired.get());
    }

    /** For the health endpoint: up once the log has been read to where it was at start. */
    public HealthServer.Health health() {
        DesiredState state = desired.get();
        return new HealthServer.Health(running && state != null && state.caughtUp(), settings.agentId(),
                poisonRecords(), refusedEvents(), state == null ? null : state.destination());
    }

    /** This agent's Prometheus metrics. */
    public AgentMetrics metrics() {
        return metrics;
    }

    /** Records skipped because they were not valid events for their topic. */
    public long poisonRecords() {
        return follower.poisonRecords();
    }

    /**
     * Events refused because their signature was missing, unknown or wrong, or because a
     * revision id came with two contents: nothing from them was applied.
     */
    public long refusedEvents() {
        return refusals.count();
    }

    /** Why the latest event was refused; empty when none was. */
    public Optional<String> lastRefusal() {
        return Optional.ofNullable(refusals.last());
    }

    /** A heartbeat, and the tenant reports a broker outage made the producer give up, sent again. */
    private void heartbeat() {
        // An exception would end the schedule, and with it every later heartbeat.
        try {
            publisher.heartbeat(tenantCount.get(), refusals);
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed; next one on schedule", e);
        }
        try {
            publisher.resendUndelivered();
        } catch (RuntimeException e) {
            LOG.warn("sending undelivered reports again failed; again at the next heartbeat", e);
        }
    }

    private void desiredChanged(DesiredState state) {
        desired.set(state);
        if (!state.problems().isEmpty()) {
            LOG.warn("desired state has problems: {}", state.problems());
        }
        wake.release();
    }

    private void reconcileLoop() {
        while (running) {
            try {
                wake.tryAcquire(settings.resync().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                DesiredState state = desired.get();
                if (running && state != null && state.actionable()) {
                    reconcile(state);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // One bad pass (a database that vanished, a bug) must not end the agent.
                LOG.error("reconcile pass failed; next pass on the resync timer", e);
            }
        }
    }

    private void reconcile(DesiredState state) throws InterruptedException {
        Discovery discovery = source.discover();
        discovery.refused().forEach(r -> LOG.warn("ignoring tenant {}: {}", r.name(), r.reason()));
        tenantCount.set(discovery.tenants().size());
        metrics.passStarted(discovery.tenants().stream().map(Tenant::id).toList());
        String graphId = "@" + System.identityHashCode(state.graph());
        RolloutBook book = state.rollouts();
        Map<String, Tenant> byId = new HashMap<>();
        Map<String, RolloutBook.Target> targets = new HashMap<>();
        List<Tenant> due = new ArrayList<>();
        for (Tenant tenant : discovery.tenants()) {
            byId.put(tenant.id(), tenant);
            Optional<RolloutBook.Target> target = book.target(tenant.id(), tenant.labels());
            if (target.isEmpty()) {
                // Not admitted by any rollout: only looked at, so the coordinator can count it in its wave.
                due.add(tenant);
                continue;
            }
            targets.put(tenant.id(), target.get());
            if (target.get().paused()) {
                continue; // its rollout is paused: no new step starts
            }
            Long retry = state.retries().get(tenant.id());
            if (retry != null && retry.equals(retriesTaken.get(tenant.id()))) {
                retry = null;
            }
            if (retry != null || !planOf(target.get(), graphId).equals(failedUnder.get(tenant.id()))) {
                due.add(tenant);
            }
            if (retry != null) {
                retriesTaken.put(tenant.id(), retry);
                follower.retried(tenant.id(), retry);
                publisher.answering(tenant.id(), retry);
                // The coordinator shows a retried tenant behind until it hears how the new try went,
                // so report it even if it fails exactly as before.
                lastReported.remove(tenant.id());
            }
        }
        StepListener listener = new StepListener() {
            @Override
            public void stepApplied(Tenant tenant, String destination, StepRecord step, List<String> heads) {
                metrics.stepApplied(tenant.id(), step);
                steps.stepApplied(tenant.id(), destination, rolloutOf(targets, tenant.id()), step, heads,
                        tenant.labels());
            }

            @Override
            public void longStepStarting(Tenant tenant, String destination, List<String> heads) {
                // The coordinator now shows the tenant applying: its outcome must be reported even if unchanged.
                lastReported.remove(tenant.id());
                steps.longStepStarting(tenant.id(), destination, rolloutOf(targets, tenant.id()), heads,
                        tenant.labels());
            }
        };
        TenantReconciler reconciler = new TenantReconciler(state.graph(), databases, settings.apply(), throttle,
                fingerprinter, listener,
                tenant -> !desired.get().rollouts().paused(rolloutOf(targets, tenant.id())), inDoubt, resends);
        Map<String, Semaphore> waveSlots = new HashMap<>();
        for (RolloutBook.Target t : targets.values()) {
            if (t.parallelism() != null) {
                waveSlots.putIfAbsent(t.rolloutId() + "/" + t.wave(), new Semaphore(t.parallelism()));
            }
        }
        new FleetApplier(reconciler, settings.parallel()).apply(due, tenant -> {
            RolloutBook.Target t = targets.get(tenant.id());
            if (t == null) {
                return reconciler.observe(tenant);
            }
            Semaphore slots = t.parallelism() == null ? null : waveSlots.get(t.rolloutId() + "/" + t.wave());
            // The wave's parallelism: at most N of its tenants applying at once on this agent.
            if (slots != null) {
                slots.acquireUninterruptibly();
            }
            reconciling.add(tenant.id());
            try {
                return reconciler.reconcile(tenant, t.destination());
            } finally {
                reconciling.remove(tenant.id());
                if (slots != null) {
                    slots.release();
                }
            }
        }, result -> {
            metrics.result(result);
            steps.flush(result.tenant());
            RolloutBook.Target t = targets.get(result.tenant());
            String rolloutId = t == null ? null : t.rolloutId();
            Map<String, String> labels = byId.get(result.tenant()).labels();
            if (changed(result, rolloutId, labels)) {
                publisher.report(result, rolloutId, labels);
            }
            if (t != null) {
                remember(result, planOf(t, graphId));
            }
        });
    }

    /** A failed tenant is tried again under a new plan: another destination, graph or rollout. */
    private static String planOf(RolloutBook.Target t, String graphId) {
        return t.destination() + graphId + "/" + t.rolloutId();
    }

    private static String rolloutOf(Map<String, RolloutBook.Target> targets, String tenant) {
        RolloutBook.Target t = targets.get(tenant);
        return t == null ? null : t.rolloutId();
    }

    /** Reports go out when something changed (or steps ran), not on every quiet resync. */
    private boolean changed(TenantResult result, String rolloutId, Map<String, String> labels) {
        String signature = result.state().code() + "|" + result.heads() + "|" + result.destination() + "|" + rolloutId
                + "|" + new java.util.TreeMap<>(labels)
                + "|" + (result.error() == null ? "" : result.error().code() + result.error().message())
                + "|" + result.fingerprint();
        String before = lastReported.put(result.tenant(), signature);
        return !result.steps().isEmpty() || !result.resent().isEmpty() || !signature.equals(before);
    }

    /** A failed tenant waits for a new plan or a retry request instead of failing again every resync. */
    private void remember(TenantResult result, String plan) {
        if (result.state() == TenantState.FAILED) {
            failedUnder.put(result.tenant(), plan);
        } else {
            failedUnder.remove(result.tenant());
        }
    }

    @Override
    public void close() {
        running = false;
        wake.release();
        follower.close();
        heartbeats.shutdownNow();
        describer.close();
        try {
            reconcileThread.join(30_000);
            logThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }

    /**
     * Whether the reconcile pass has ended; after {@link #close()}, false means its 30 s ran out
     * with steps under way, which end as the process exits (a transactional step commits or
     * rolls back whole; a non-transactional one is left pending).
     */
    public boolean passEnded() {
        return !reconcileThread.isAlive();
    }

    /** The tenants being brought to their destination now, sorted. */
    public List<String> reconciling() {
        return reconciling.stream().sorted().toList();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, "schemafleet-agent-" + name);
            t.setDaemon(true);
            return t;
        };
    }
}
