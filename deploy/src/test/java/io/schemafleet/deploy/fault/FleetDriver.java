package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.revision.Revision;
import org.awaitility.core.ConditionTimeoutException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's side of a fault test, through a running coordinator: publish a revision
 * chain, roll it out in stages with a fault in the middle of each stage but the last, and
 * check that the fleet converged, each step applied and reported exactly once.
 */
final class FleetDriver {
    /** Revisions per stage of {@link #rolloutInStages}. */
    static final int REVISIONS_PER_STAGE = 6;
    /** Tenants in each fault test's fleet. */
    static final int TENANTS = 50;
    /**
     * Faults injected per rollout: one by default (two stages); {@code -Dschemafleet.fault.restarts=N}
     * injects N, one in each stage of a chain N + 1 stages long.
     */
    static final int FAULTS = Integer.getInteger("schemafleet.fault.restarts", 1);

    private FleetDriver() {
    }

    /** What {@link #setUp} made. */
    record Cast(String test, CoordinatorFixture coordinator, TenantFleet fleet, TenantFleet.Agent agent,
                List<Revision> chain) {
    }

    /** {@link #setUp} with {@link #TENANTS} tenants and a chain of {@link #FAULTS} + 1 stages. */
    static Cast setUp(Resources resources, String test, String bootstrap, String tenantDb, String agentId)
            throws Exception {
        return setUp(resources, test, bootstrap, tenantDb, TENANTS, REVISIONS_PER_STAGE * (FAULTS + 1), agentId);
    }

    /**
     * A started coordinator on the broker at {@code bootstrap}, {@code tenants} tenant schemas in
     * the database at {@code tenantDb}, a chain of {@code revisions} revisions published, and agent
     * process {@code agentId} following; all closed by {@code resources}.
     */
    static Cast setUp(Resources resources, String test, String bootstrap, String tenantDb, int tenants, int revisions,
                      String agentId) throws Exception {
        return setUp(resources, test, bootstrap, tenantDb, tenants, revisions, agentId, Map.of());
    }

    /** {@link #setUp(Resources, String, String, String, int, int, String)} with variables added to the agent's environment. */
    static Cast setUp(Resources resources, String test, String bootstrap, String tenantDb, int tenants, int revisions,
                      String agentId, Map<String, String> agentEnv) throws Exception {
        return setUp(resources, test, new CoordinatorFixture(test, bootstrap), bootstrap, tenantDb, tenants, revisions,
                agentId, agentEnv);
    }

    /** {@link #setUp(Resources, String, String, String, String)} with this coordinator (not started yet). */
    static Cast setUp(Resources resources, String test, CoordinatorFixture coordinator, String tenantDb, String agentId)
            throws Exception {
        return setUp(resources, test, coordinator, coordinator.bootstrapServers, tenantDb, agentId, Map.of());
    }

    /**
     * {@link #setUp(Resources, String, String, String, String)} with this coordinator (not started yet),
     * the agent bootstrapped at {@code agentBootstrap} (the same broker, another way there) with
     * variables added to its environment.
     */
    static Cast setUp(Resources resources, String test, CoordinatorFixture coordinator, String agentBootstrap,
                      String tenantDb, String agentId, Map<String, String> agentEnv) throws Exception {
        return setUp(resources, test, coordinator, agentBootstrap, tenantDb, TENANTS,
                REVISIONS_PER_STAGE * (FAULTS + 1), agentId, agentEnv);
    }

    private static Cast setUp(Resources resources, String test, CoordinatorFixture unstarted, String bootstrap,
                              String tenantDb, int tenants, int revisions, String agentId, Map<String, String> agentEnv)
            throws Exception {
        CoordinatorFixture coordinator = resources.add(unstarted);
        coordinator.start();
        List<Revision> chain = BenchRevisions.generate(revisions);
        TenantFleet fleet = resources.add(TenantFleet.create(tenantDb, tenants, chain,
                coordinator.signingKey.trustedKey()));
        publish(coordinator, chain);
        return new Cast(test, coordinator, fleet, fleet.startAgent(bootstrap, coordinator.topics, agentId, agentEnv),
                chain);
    }

    /**
     * A stage of a rollout at the moment of a fault.
     *
     * @param index 0-based
     * @param end   the number of applied steps (over all tenants) once the stage is done
     * @param hold  the lock that keeps one tenant, and so the stage, from finishing
     */
    record Stage(int index, long end, TenantFleet.Hold hold) {
        /** Lets the held tenant go on (before the fault ends, when the fault must see the agent progress). */
        void release() {
            hold.close();
        }
    }

    /** A fault, injected early in a stage of a rollout. */
    @FunctionalInterface
    interface Fault {
        void inject(Stage stage) throws Exception;
    }

    /**
     * Rolls the cast's chain out in stages of {@link #REVISIONS_PER_STAGE} revisions
     * ({@code POST /api/rollouts} to each stage's last revision, {@code head} for the last
     * stage); in every stage but the last, as soon as the stage has applied a step,
     * injects {@code fault}. Each next stage's rollout goes through whatever the fault
     * restarted. Returns once every tenant's version table is at head.
     *
     * <p>The agent may well finish a stage (300 steps) in a fraction of a second, faster than
     * a test can notice it started. So during the fault the first tenant's advisory lock is
     * held, as another agent working on it would hold it: the agent's steps there wait, and
     * the stage cannot finish before the fault is over (or the fault releases it).
     */
    static void rolloutInStages(Cast cast, Fault fault) throws Exception {
        CoordinatorFixture coordinator = cast.coordinator();
        TenantFleet fleet = cast.fleet();
        List<Revision> chain = cast.chain();
        int stages = chain.size() / REVISIONS_PER_STAGE;
        long perStage = (long) fleet.tenants() * REVISIONS_PER_STAGE;
        for (int stage = 0; stage < stages; stage++) {
            boolean last = stage == stages - 1;
            String to = chain.get((stage + 1) * REVISIONS_PER_STAGE - 1).id();
            if (last) {
                rollout(coordinator, "head");
            } else {
                long stageEnd = (stage + 1) * perStage;
                long begun = stage * perStage + 1;
                try (TenantFleet.Hold hold = fleet.hold(0)) {
                    rollout(coordinator, to);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                            .until(() -> fleet.appliedSteps() >= begun);
                    long before = fleet.appliedSteps();
                    assertThat(before).as("steps applied when the fault hit stage %d", stage + 1).isLessThan(stageEnd);
                    long start = System.nanoTime();
                    fault.inject(new Stage(stage, stageEnd, hold));
                    System.err.printf("FAULT %s stage %d: injected after %d of %d steps, took %d ms%n",
                            cast.test(), stage + 1, before, stageEnd, (System.nanoTime() - start) / 1_000_000);
                }
            }
            awaitOrExplain(cast.agent(), Duration.ofSeconds(90), "not every tenant reached " + to,
                    () -> fleet.tenantsAt(to) == fleet.tenants());
        }
    }

    /** Waits for {@code condition}; at the deadline fails saying {@code what}, with the end of the agent's log. */
    static void awaitOrExplain(TenantFleet.Agent agent, Duration timeout, String what, Callable<Boolean> condition) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " within " + timeout.toSeconds() + " s; " + agent.logTail(), e);
        }
    }

    /**
     * After a rollout to head: the coordinator's view shows every tenant converged at head, no
     * tenant is half-migrated, every step was applied once and counted once: in
     * {@code tenant_steps} and, for a coordinator that ran from one start (a restart starts
     * its counters over), in its step metric, which would show a step counted twice.
     */
    static JsonNode assertConvergedExactlyOnce(CoordinatorFixture coordinator, TenantFleet fleet) throws SQLException {
        JsonNode view = awaitConverged(coordinator, fleet.tenants(), fleet.head(), Duration.ofSeconds(60));
        fleet.assertNoTenantHalfMigrated();
        assertThat(fleet.appliedSteps()).as("steps applied over all tenants").isEqualTo(fleet.totalSteps());
        assertThat(fleet.appliedDowngrades()).as("downgrades applied").isZero();
        assertThat(stepsSeen(coordinator)).as("steps the coordinator's projection saw reported")
                .isEqualTo(fleet.totalSteps());
        if (coordinator.startedOnce()) {
            // The metric is fed after each batch's commit, a moment after the view shows it.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(coordinator.readOnly().scrape().sum("schemafleet_step_duration_seconds_count"))
                            .as("steps in the coordinator's step metric").isEqualTo((double) fleet.totalSteps()));
        }
        return view;
    }

    /**
     * Steps the coordinator's projection counted: each names its history row, and counts once
     * however many reports name it ({@code tenant_steps}).
     */
    static long stepsSeen(CoordinatorFixture coordinator) throws SQLException {
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tenant_steps")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Appends the revisions to the revisions topic, signed with the coordinator's key, and waits
     * until the coordinator's projection lists each of them (so a rollout to any of them is accepted).
     */
    static void publish(CoordinatorFixture coordinator, List<Revision> revisions) {
        for (Revision r : revisions) {
            coordinator.produce(RevisionPublished.of(r), "coordinator");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(coordinator.get("/api/revisions").json().path("revisions").findValuesAsText("revision"))
                        .containsAll(revisions.stream().map(Revision::id).toList()));
    }

    /**
     * {@code POST /api/rollouts {"to": to, "supersede": true}}: a plain whole-fleet rollout;
     * returns its id. It supersedes the previous one, which the tests start the next one
     * after, whether or not a rollout engine has marked that one completed yet.
     */
    static String rollout(CoordinatorFixture coordinator, String to) {
        CoordinatorFixture.Reply reply = coordinator.post("/api/rollouts",
                CoordinatorFixture.JSON.createObjectNode().put("to", to).put("supersede", true));
        assertThat(reply.status()).as("POST /api/rollouts: %s", reply).isEqualTo(201);
        return reply.json().path("rollout_id").asText();
    }

    /**
     * Waits until {@code GET /api/fleet} shows {@code tenants} tenants, every one converged at
     * {@code head}; returns that answer.
     */
    static JsonNode awaitConverged(CoordinatorFixture coordinator, int tenants, String head, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).alias("the coordinator sees the fleet at "
                + head).until(() -> {
                    JsonNode fleet = coordinator.get("/api/fleet").json();
                    last[0] = fleet;
                    return fleet != null && fleet.path("tenants").asInt() == tenants
                            && fleet.path("converged").asInt() == tenants
                            && fleet.path("by_heads").path(head).asInt() == tenants;
                });
        return last[0];
    }
}
