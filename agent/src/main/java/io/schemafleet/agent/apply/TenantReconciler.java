package io.schemafleet.agent.apply;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.store.HistoryOutcome;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.TenantSnapshot;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.store.VersionLayout;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.tenant.TenantKind;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.graph.MigrationPlanner;
import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.RelativeDestination;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.graph.RevisionGraphException;
import io.schemafleet.protocol.graph.Step;
import io.schemafleet.protocol.graph.VersionTableChange;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Brings one tenant to its destination: read what its tables say, refuse to touch it
 * if they cannot be trusted (dirty, unknown version row, checksum mismatch), plan,
 * run the steps one at a time, re-plan whenever another agent moved the rows, retry
 * transient failures with backoff, and report the outcome. Safe to run from any
 * number of threads and agents at once: every step re-checks under the tenant's lock.
 */
public final class TenantReconciler {
    /** Re-plans allowed in one reconcile before giving up on a tenant that keeps moving. */
    private static final int MAX_REPLANS = 1_000;
    /** What a tenant without Schemafleet's tables has: no rows, nothing pending, nothing applied. */
    private static final TenantSnapshot NEW_TENANT = new TenantSnapshot(List.of(), Optional.empty(), Map.of());

    private final RevisionGraph graph;
    private final DestinationPlanner planner;
    private final Databases databases;
    private final ApplyOptions options;
    private final StepExecutor executor;
    private final DdlThrottle throttle;
    private final Fingerprinter fingerprinter;
    private final StepListener listener;
    private final Predicate<Tenant> mayStartStep;
    private final InDoubtSteps inDoubt;
    private final StepResends resends;

    public TenantReconciler(RevisionGraph graph, Databases databases, ApplyOptions options, DdlThrottle throttle,
                            Fingerprinter fingerprinter) {
        this(graph, databases, options, throttle, fingerprinter, StepListener.NONE);
    }

    public TenantReconciler(RevisionGraph graph, Databases databases, ApplyOptions options, DdlThrottle throttle,
                            Fingerprinter fingerprinter, StepListener listener) {
        this(graph, databases, options, throttle, fingerprinter, listener, tenant -> true, new InDoubtSteps(),
                StepResends.none());
    }

    /**
     * @param mayStartStep asked before every step; false stops the tenant where it is (state
     *                     {@code behind}, error {@code paused}): how a paused rollout holds its tenants
     * @param inDoubt      steps whose connection broke as they ran, settled at their tenant's next
     *                     read; shared by the reconcilers of successive passes
     * @param resends      tenants whose recent steps their next result carries again; shared likewise
     */
    public TenantReconciler(RevisionGraph graph, Databases databases, ApplyOptions options, DdlThrottle throttle,
                            Fingerprinter fingerprinter, StepListener listener, Predicate<Tenant> mayStartStep,
                            InDoubtSteps inDoubt, StepResends resends) {
        this.mayStartStep = mayStartStep;
        this.inDoubt = inDoubt;
        this.resends = resends;
        this.listener = listener;
        this.graph = graph;
        this.planner = new DestinationPlanner(new MigrationPlanner(graph));
        this.databases = databases;
        this.options = options;
        this.executor = new StepExecutor(options, graph);
        this.throttle = throttle;
        this.fingerprinter = fingerprinter;
    }

    public TenantResult reconcile(Tenant tenant, String destination) {
        long start = System.nanoTime();
        TenantStore store = new TenantStore(tenant, options.layout());
        Reported done = new Reported(new ArrayList<>(), new ArrayList<>());
        int attempt = 1;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return result(tenant, destination, new Verdict(TenantState.BEHIND, List.of(),
                        new TenantError("interrupted", null, null, "agent stopping"), null), done, attempt, start);
            }
            try (Connection c = databases.open(tenant.jdbcUrl())) {
                Verdict verdict = converge(c, tenant, store, destination, done);
                return result(tenant, destination, verdict, done, attempt, start);
            } catch (Held e) {
                return result(tenant, destination, new Verdict(TenantState.BEHIND, e.rows,
                        new TenantError("paused", null, null, "its rollout is paused; no new step starts until it "
                                + "is resumed"), null), done, attempt, start);
            } catch (StepFailedException e) {
                SqlFailure f = e.failure();
                if (f.retryable() && attempt < options.maxAttempts()) {
                    attempt = backOff(attempt);
                    continue;
                }
                // A broken connection says nothing against the step: the tenant is tried again next pass.
                TenantState state = f.connectionLost() ? TenantState.UNREACHABLE : TenantState.FAILED;
                return result(tenant, destination, new Verdict(state, lastRows(tenant, store),
                        new TenantError(f.connectionLost() ? "unreachable" : "sql_failed", e.revision, f.sqlState(),
                                f.message()), null), done, attempt, start);
            } catch (SQLException e) {
                SqlFailure f = SqlFailure.classify(e);
                if (f.retryable() && attempt < options.maxAttempts()) {
                    attempt = backOff(attempt);
                    continue;
                }
                TenantState state = f.connectionLost() ? TenantState.UNREACHABLE : TenantState.FAILED;
                String code = state == TenantState.UNREACHABLE ? "unreachable" : "setup_failed";
                return result(tenant, destination, new Verdict(state, List.of(),
                        new TenantError(code, null, f.sqlState(), f.message()), null), done, attempt, start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result(tenant, destination, new Verdict(TenantState.BEHIND, List.of(),
                        new TenantError("interrupted", null, null, "agent stopping"), null), done, attempt, start);
            } catch (RuntimeException e) {
                // A bug or an impossible graph state must cost this tenant, not the fleet.
                return result(tenant, destination, new Verdict(TenantState.FAILED, List.of(),
                        new TenantError("internal_error", null, null, e.toString()), null), done, attempt, start);
            }
        }
    }

    /**
     * Where a tenant stands, read without changing anything (not even creating the version
     * table): for tenants no rollout has admitted, so that the coordinator still sees them.
     * State {@code behind}, no destination.
     */
    public TenantResult observe(Tenant tenant) {
        long start = System.nanoTime();
        TenantStore store = new TenantStore(tenant, options.layout());
        List<String> rows;
        try (Connection c = databases.open(tenant.jdbcUrl())) {
            rows = rowsOrNone(c, store);
        } catch (SQLException e) {
            SqlFailure f = SqlFailure.classify(e);
            return result(tenant, null, new Verdict(TenantState.UNREACHABLE, List.of(),
                    new TenantError("unreachable", null, f.sqlState(), f.message()), null), Reported.NOTHING, 1, start);
        }
        return result(tenant, null, new Verdict(TenantState.BEHIND, rows, null, null), Reported.NOTHING, 0, start);
    }

    /** Thrown between steps when {@code mayStartStep} says no. */
    private static final class Held extends Exception {
        private static final long serialVersionUID = 1L;
        final transient List<String> rows;

        Held(List<String> rows) {
            super(null, null, false, false);
            this.rows = rows;
        }
    }

    /** What a reconcile has to report besides its verdict: the steps it ran, and those it sends again. */
    private record Reported(List<StepRecord> applied, List<StepRecord> resent) {
        static final Reported NOTHING = new Reported(List.of(), List.of());
    }

    /** What one pass concluded. */
    private record Verdict(TenantState state, List<String> heads, TenantError error, String fingerprint) {
    }

    private Verdict converge(Connection c, Tenant tenant, TenantStore store, String destination, Reported done)
            throws SQLException, StepFailedException, InterruptedException, Held {
        List<String> known = null;
        for (int replans = 0; replans < MAX_REPLANS; replans++) {
            // After a clean run of steps the rows are known without reading them again.
            List<String> rows = known;
            boolean firstStep = false;
            if (rows == null) {
                Optional<InDoubtSteps.Step> doubt = inDoubt.get(tenant.id());
                if (doubt.isPresent() && !doubtOver(c, store)) {
                    return new Verdict(TenantState.UNREACHABLE, rowsOrNone(c, store), new TenantError("in_doubt",
                            doubt.get().revision(), "55P03", "the session that ran this step, whose connection broke,"
                            + " still holds the tenant's lock after " + options.readTimeout().toSeconds()
                            + " s; the step is settled once it lets go (looked at again next pass)"), null);
                }
                Optional<TenantSnapshot> read = snapshot(c, store);
                firstStep = read.isEmpty();
                TenantSnapshot snapshot = read.orElse(NEW_TENANT);
                if (resends.take(tenant.id()) && read.isPresent()) {
                    resend(c, tenant, store, done.resent());
                }
                settleInDoubt(c, tenant, store, destination, snapshot.rows(), done.applied());
                if (snapshot.pending().isPresent()) {
                    // Maybe another agent is running a non-transactional step right now: wait for
                    // it to finish, then look again. Only a marker nobody is working on is dirt.
                    store.awaitUnlocked(c);
                    snapshot = store.snapshot(c);
                }
                Optional<Verdict> refusal = refusal(tenant, snapshot);
                if (refusal.isPresent()) {
                    return refusal.get();
                }
                rows = snapshot.rows();
            }
            Optional<RelativeDestination> relative = RelativeDestination.of(destination);
            String target = destination;
            if (relative.isPresent()) {
                // "-2" counts from where the tenant was when this reconcile began: the steps it
                // applied since (before a retry, too) are behind it, not counted again.
                Optional<String> left = relative.get().remaining(done.applied().size());
                if (left.isEmpty()) {
                    return new Verdict(TenantState.CONVERGED, rows, null, fingerprinter.fingerprint(c, tenant.schema()));
                }
                target = left.get();
            }
            Plan plan;
            try {
                plan = planner.plan(target, rows);
            } catch (RevisionGraphException e) {
                return new Verdict(TenantState.BLOCKED, rows,
                        new TenantError("plan_failed", null, null, e.kind().code() + ": " + e.getMessage()), null);
            }
            if (plan.steps().isEmpty()) {
                return new Verdict(TenantState.CONVERGED, rows, null, fingerprinter.fingerprint(c, tenant.schema()));
            }
            int stepsBefore = done.applied().size();
            known = runSteps(c, tenant, store, destination, plan, rows, firstStep, done.applied());
            if (relative.isPresent() && known == null && done.applied().size() > stepsBefore) {
                return new Verdict(TenantState.BLOCKED, store.rows(c), new TenantError("plan_failed", null, null,
                        "another agent moved the tenant while it went to " + destination + ", which counts from"
                                + " where it was: see where it is now, and name a revision"), null);
            }
        }
        return new Verdict(TenantState.FAILED, store.rows(c), new TenantError("plan_failed", null, null,
                "version rows kept changing under this agent; gave up after " + MAX_REPLANS + " re-plans"), null);
    }

    /**
     * Runs steps while the rows are as planned. Returns the rows after the last step when
     * all ran, or null when the tenant must be read again (another agent moved it).
     */
    private List<String> runSteps(Connection c, Tenant tenant, TenantStore store, String destination, Plan plan,
                                  List<String> rows, boolean firstStep, List<StepRecord> done)
            throws SQLException, StepFailedException, InterruptedException, Held {
        List<String> expected = rows;
        boolean createTables = firstStep;
        for (Step step : plan.steps()) {
            if (!mayStartStep.test(tenant)) {
                throw new Held(expected);
            }
            if (!step.revision().transactional()) {
                listener.longStepStarting(tenant, destination, expected);
            }
            long started = System.nanoTime();
            StepExecutor.Attempt attempt;
            try (DdlThrottle.Permit permit = throttle.acquire(tenant)) {
                attempt = executor.run(c, tenant, store, step, expected, createTables);
            } catch (StepFailedException e) {
                e.revision = step.revision().id();
                if (e.failure().connectionLost()) {
                    inDoubt.add(tenant.id(), new InDoubtSteps.Step(step.revision().id(), step.direction().code(),
                            VersionTableChange.applyAll(expected, step.versionChanges())));
                }
                throw e;
            }
            if (attempt.outcome() != StepOutcome.APPLIED) {
                return null;
            }
            StepRecord record = new StepRecord(step.revision().id(), step.direction().code(),
                    (System.nanoTime() - started) / 1_000_000, attempt.row());
            done.add(record);
            createTables = false;
            expected = VersionTableChange.applyAll(expected, step.versionChanges());
            listener.stepApplied(tenant, destination, record, expected);
        }
        return expected;
    }

    /**
     * The tenant's step in doubt, if it has one, looked up now that its tables have been read
     * again: it committed if the version rows are those it would leave and the newest history
     * row is its own, written by this agent (a step that did not commit leaves neither; one that
     * another agent ran instead leaves that agent's row). If it did, it is reported now, as if
     * its reply had come back.
     */
    private void settleInDoubt(Connection c, Tenant tenant, TenantStore store, String destination, List<String> rows,
                               List<StepRecord> done) throws SQLException {
        Optional<InDoubtSteps.Step> doubt = inDoubt.get(tenant.id());
        if (doubt.isEmpty()) {
            return;
        }
        InDoubtSteps.Step step = doubt.get();
        if (StepExecutor.rowsMatch(rows, step.rowsAfter())) {
            Optional<HistoryRow> newest = store.newestHistory(c);
            if (newest.isPresent() && ranHere(newest.get(), step)) {
                HistoryRow row = newest.get();
                StepRecord record = new StepRecord(step.revision(), step.direction(), row.durationMillis(), row.key());
                done.add(record);
                listener.stepApplied(tenant, destination, record, rows);
            }
        }
        inDoubt.settled(tenant.id(), step);
    }

    /** Adds the tenant's recent steps to {@code resent}; if they cannot be read, they are still owed. */
    private void resend(Connection c, Tenant tenant, TenantStore store, List<StepRecord> resent) throws SQLException {
        try {
            for (HistoryRow row : store.recentlyApplied(c, StepResends.WINDOW, StepResends.LIMIT)) {
                resent.add(new StepRecord(row.revision(), row.direction(), row.durationMillis(), row.key()));
            }
        } catch (SQLException e) {
            resends.owe(tenant.id());
            throw e;
        }
    }

    /**
     * Whether the session that ran the tenant's step in doubt is done with it, waiting up to
     * the read timeout: it may be at work on the server still (its client stopped waiting, the
     * server did not), and what it leaves is read only once nobody holds the tenant's lock.
     * The server drops a session whose agent went silent within minutes (its keepalives, see
     * {@code Databases}), so a longer wait is left to the next pass rather than taken as a failure.
     */
    private boolean doubtOver(Connection c, TenantStore store) throws SQLException {
        try {
            store.awaitUnlocked(c, options.readTimeout());
            return true;
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private boolean ranHere(HistoryRow row, InDoubtSteps.Step step) {
        return row.outcome() == HistoryOutcome.APPLIED && row.revision().equals(step.revision())
                && row.direction().equals(step.direction()) && row.agent().equals(options.agentId())
                && row.finishedAt() != null;
    }

    /**
     * The tenant's tables as they are; empty on its first visit, when it has no version table
     * yet (its first step creates the tables, in its own transaction, rather than a
     * transaction of their own before it). A version table without the history table (a
     * database Alembic managed until now) gets the history table here.
     */
    private static Optional<TenantSnapshot> snapshot(Connection c, TenantStore store) throws SQLException {
        try {
            return Optional.of(store.snapshot(c));
        } catch (SQLException e) {
            if (!missing(e)) {
                throw e;
            }
        }
        try {
            store.rows(c);
        } catch (SQLException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw e;
        }
        store.ensureTables(c);
        return Optional.of(store.snapshot(c));
    }

    /** A table or schema that does not exist. */
    private static boolean missing(SQLException e) {
        return "42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState());
    }

    /** Why the agent must not run anything on this tenant, if there is a reason. */
    private Optional<Verdict> refusal(Tenant tenant, TenantSnapshot snapshot) {
        if (snapshot.pending().isPresent()) {
            var p = snapshot.pending().get();
            return Optional.of(new Verdict(TenantState.DIRTY, snapshot.rows(), new TenantError("dirty", p.revision(),
                    p.sqlState(), "non-transactional " + p.direction() + " of " + p.revision() + " started at "
                    + p.startedAt() + " by " + p.agent() + " " + p.what() + "; check the tenant's schema, then"
                    + " settle it: schemafleet resolve --db URL --tenant " + tenant.id()
                    + (tenant.kind() == TenantKind.DATABASE ? " --database-tenant" : "")
                    + (options.layout().equals(VersionLayout.SCHEMAFLEET) ? "" : " --version-table "
                    + options.layout().versionTable()) + " --dir DIR"
                    + " --mark-applied (it completed) or --mark-rolled-back (what it left is undone)"), null));
        }
        for (String row : snapshot.rows()) {
            if (graph.revision(row).isEmpty()) {
                return Optional.of(new Verdict(TenantState.BLOCKED, snapshot.rows(), new TenantError("unknown_revision",
                        row, null, "version table names revision " + row + ", which is not in the revision graph"),
                        null));
            }
        }
        for (String id : graph.appliedRevisions(snapshot.rows())) {
            String recorded = snapshot.appliedChecksums().get(id);
            String published = graph.checksum(id);
            if (recorded != null && !recorded.equals(published)) {
                return Optional.of(new Verdict(TenantState.BLOCKED, snapshot.rows(), new TenantError("checksum_mismatch",
                        id, null, "revision " + id + " was applied with checksum " + recorded
                        + " but its published checksum is " + published), null));
            }
        }
        return Optional.empty();
    }

    private int backOff(int attempt) {
        int next = attempt + 1;
        try {
            Thread.sleep(options.backoff(next).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return next;
    }

    /** The version rows read on {@code c}; none if there is no version table yet (never migrated). */
    private static List<String> rowsOrNone(Connection c, TenantStore store) throws SQLException {
        try {
            return store.rows(c);
        } catch (SQLException e) {
            if (missing(e)) {
                return List.of();
            }
            throw e;
        }
    }

    private List<String> lastRows(Tenant tenant, TenantStore store) {
        try (Connection c = databases.open(tenant.jdbcUrl())) {
            return store.rows(c);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static TenantResult result(Tenant tenant, String destination, Verdict v, Reported done,
                                       int attempts, long startNanos) {
        return new TenantResult(tenant.id(), v.heads().stream().sorted().toList(), v.state(), destination,
                done.applied(), done.resent(), v.error(), v.fingerprint(), attempts,
                (System.nanoTime() - startNanos) / 1_000_000);
    }
}
