package io.schemafleet.coordinator.api;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.drift.LineDiff;
import io.schemafleet.coordinator.projection.Heads;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.store.DriftQueries;
import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.protocol.event.DescribeRequested;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * {@code /api/drift}: converged tenants whose schema differs from the others at the same
 * heads, and what differs (from descriptions the tenants' agents send on request).
 */
@Controller("/api/drift")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DriftController {
    /** Diffs waiting for agents at once, at most: the rest are refused rather than queued. */
    static final int MAX_DIFFS_AT_ONCE = 4;
    private final Semaphore diffsAtOnce = new Semaphore(MAX_DIFFS_AT_ONCE);

    /** Unchanged lines shown around each difference. */
    private static final int CONTEXT = 2;

    private final FleetQueries fleet;
    private final DriftQueries drift;
    private final EventWriter writer;
    private final Duration timeout;

    public DriftController(FleetQueries fleet, DriftQueries drift, EventWriter writer, CoordinatorConfig config) {
        this.fleet = fleet;
        this.drift = drift;
        this.writer = writer;
        this.timeout = config.getDescribeTimeout();
    }

    /**
     * @param drifted  drifted tenants in all
     * @param groups   heads whose converged tenants do not all share one schema
     * @param tenants  a page of the drifted tenants, by id
     */
    public record DriftReport(long drifted, List<DriftQueries.HeadsGroup> groups, FleetQueries.TenantPage tenants) {
    }

    /**
     * {@code {"tenant": "a", "against": "b"}}; without {@code against}, another tenant with the
     * majority's schema, preferring one whose agent was heard most recently.
     */
    @Introspected
    public record DiffRequest(@Nullable String tenant, @Nullable String against) {
    }

    /**
     * @param tenant             the tenant compared
     * @param against            the tenant compared with
     * @param againstMajority    true when {@code against} was picked as a tenant with the majority's schema
     * @param fingerprints       each tenant's fingerprint, as described just now
     * @param identical          true when the descriptions are equal
     * @param lines              unified-diff lines: {@code "- "} only {@code tenant} has, {@code "+ "} only
     *                           {@code against} has, {@code "  "} context; each hunk opens with {@code "@@"},
     *                           then the line its first line sits under, if any ({@code "@@ table users"})
     */
    public record DiffAnswer(String tenant, String against, boolean againstMajority, Map<String, String> fingerprints,
                             boolean identical, List<String> lines) {
    }

    @Get
    public DriftReport report(@Nullable @QueryValue Integer page, @Nullable @QueryValue Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || s < 1 || s > TenantsController.MAX_SIZE) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest",
                    "page must be 0 or more and size 1 to " + TenantsController.MAX_SIZE);
        }
        FleetQueries.TenantPage tenants = fleet.tenants(List.of("drifted"), null, p, s);
        return new DriftReport(tenants.total(), drift.disagreements(), tenants);
    }

    @Post("/diff")
    public HttpResponse<?> diff(@Body DiffRequest request) {
        if (request == null || request.tenant() == null || request.tenant().isBlank()) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest",
                    "expected {\"tenant\": \"a\", \"against\": \"b\"} (against is optional: the majority)");
        }
        String tenant = request.tenant();
        TenantsController.requireTenantId(tenant, "tenant");
        boolean majority = request.against() == null || request.against().isBlank();
        if (!majority) {
            TenantsController.requireTenantId(request.against(), "against");
            if (request.against().equals(tenant)) {
                throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", "tenant and against are"
                        + " both " + tenant + ": compare a tenant with another one");
            }
        }
        Optional<FleetQueries.Tenant> left = fleet.tenant(tenant);
        if (left.isEmpty()) {
            return notFound(tenant);
        }
        String against = majority ? majorityTenant(left.get()) : request.against();
        Optional<FleetQueries.Tenant> right = fleet.tenant(against);
        if (right.isEmpty()) {
            return notFound(against);
        }
        // A read-only token may ask for diffs, and each holds a request thread while agents answer.
        if (!diffsAtOnce.tryAcquire()) {
            throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "DiffBusy", MAX_DIFFS_AT_ONCE
                    + " diffs are waiting for agents already: try again in a few seconds");
        }
        Map<String, DriftQueries.Description> answers;
        try {
            DescribeRequested asked = writer.requestDescriptions(List.of(tenant, against), "api");
            answers = awaitDescriptions(asked, List.of(left.get(), right.get()));
        } finally {
            diffsAtOnce.release();
        }
        DriftQueries.Description a = answers.get(tenant);
        DriftQueries.Description b = answers.get(against);
        List<String> lines = LineDiff.of(a.description(), b.description(), CONTEXT);
        Map<String, String> fingerprints = new LinkedHashMap<>();
        fingerprints.put(a.tenant(), a.fingerprint());
        fingerprints.put(b.tenant(), b.fingerprint());
        return HttpResponse.ok(new DiffAnswer(a.tenant(), b.tenant(), majority, fingerprints, lines.isEmpty(), lines));
    }

    /** Another tenant with the majority's schema at {@code tenant}'s heads, or a 409 saying why there is none. */
    private String majorityTenant(FleetQueries.Tenant tenant) {
        // Decided by the tenant's own fingerprint, not by which tenant the query picks, so the answer does not
        // depend on which agent was heard last.
        boolean isMajority = "converged".equals(tenant.state()) && tenant.fingerprint() != null
                && tenant.fingerprint().equals(tenant.majorityFingerprint());
        Optional<String> other = isMajority ? Optional.empty()
                : drift.majorityTenant(Heads.parse(tenant.heads()), tenant.id());
        return other.orElseThrow(() -> new RequestRefused(RequestRefused.Reason.CONFLICT, "NoMajority", "tenant "
                + tenant.id() + (isMajority ? " has the majority schema itself"
                : " has no majority schema to compare with at its heads (" + tenant.heads() + ")")
                + ": name a second tenant to compare with (\"against\"; on the command line, diff TENANT OTHER)"));
    }

    /** Polls the projection for each tenant's answer until the describe timeout. */
    private Map<String, DriftQueries.Description> awaitDescriptions(DescribeRequested asked,
                                                                   List<FleetQueries.Tenant> tenants) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, DriftQueries.Description> answers = new LinkedHashMap<>();
        while (true) {
            for (FleetQueries.Tenant tenant : tenants) {
                if (!answers.containsKey(tenant.id())) {
                    drift.description(tenant.id(), asked.requestId()).ifPresent(d -> answers.put(tenant.id(), d));
                }
            }
            if (answers.size() == tenants.size()) {
                return answers;
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = tenants.stream().filter(t -> !answers.containsKey(t.id()))
                        .map(this::withAgent).toList();
                throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "NoDescription",
                        "no schema description from " + String.join(" and ", missing) + " within "
                        + timeout.toSeconds() + " s: " + (missing.size() == 1 ? "is its agent" : "are their agents")
                        + " running? (request " + asked.requestId() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "interrupted");
            }
        }
    }

    /** {@code t1 (agent a1, last heard 2026-01-01T00:00:00Z)}: who should have answered for a tenant. */
    private String withAgent(FleetQueries.Tenant tenant) {
        return tenant.id() + " (agent " + tenant.agent() + ", " + drift.agentHeardAt(tenant.agent())
                .map(at -> "last heard " + at.truncatedTo(ChronoUnit.SECONDS)).orElse("never heard") + ")";
    }

    private static HttpResponse<?> notFound(String tenant) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("NotFound", "no tenant '" + tenant
                + "' has reported"));
    }
}
