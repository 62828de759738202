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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/drift}: converged tenants whose schema differs from the others at the same
 * heads, and what differs (from descriptions the tenants' agents send on request).
 */
@Controller("/api/drift")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DriftController {
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

    /** {@code {"tenant": "a", "against": "b"}}; without {@code against}, a tenant with the majority's schema. */
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
     *                           {@code against} has, {@code "  "} context, {@code "@@"} a cut
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
        TenantsController.requireTenantId(request.tenant(), "tenant");
        if (request.against() != null && !request.against().isBlank()) {
            TenantsController.requireTenantId(request.against(), "against");
        }
        Optional<FleetQueries.Tenant> left = fleet.tenant(request.tenant());
        if (left.isEmpty()) {
            return notFound(request.tenant());
        }
        String against = request.against();
        boolean majority = against == null || against.isBlank();
        if (majority) {
            against = drift.majorityTenant(Heads.parse(left.get().heads())).orElse(null);
            if (against == null || against.equals(request.tenant())) {
                throw new RequestRefused(RequestRefused.Reason.CONFLICT, "NoMajority", "tenant " + request.tenant()
                        + (against == null ? " has no majority schema to compare with at its heads ("
                        + left.get().heads() + ")" : " has the majority schema itself")
                        + ": name a second tenant to compare with (\"against\"; on the command line,"
                        + " diff TENANT OTHER)");
            }
        } else if (fleet.tenant(against).isEmpty()) {
            return notFound(against);
        }
        List<String> both = List.of(request.tenant(), against);
        DescribeRequested asked = writer.requestDescriptions(both, "api");
        Map<String, DriftQueries.Description> answers = awaitDescriptions(asked, both);
        DriftQueries.Description a = answers.get(request.tenant());
        DriftQueries.Description b = answers.get(against);
        List<String> lines = LineDiff.of(a.description(), b.description(), CONTEXT);
        Map<String, String> fingerprints = new LinkedHashMap<>();
        fingerprints.put(a.tenant(), a.fingerprint());
        fingerprints.put(b.tenant(), b.fingerprint());
        return HttpResponse.ok(new DiffAnswer(a.tenant(), b.tenant(), majority, fingerprints, lines.isEmpty(), lines));
    }

    /** Polls the projection for each tenant's answer until the describe timeout. */
    private Map<String, DriftQueries.Description> awaitDescriptions(DescribeRequested asked, List<String> tenants) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, DriftQueries.Description> answers = new LinkedHashMap<>();
        while (true) {
            for (String tenant : tenants) {
                if (!answers.containsKey(tenant)) {
                    drift.description(tenant, asked.requestId()).ifPresent(d -> answers.put(tenant, d));
                }
            }
            if (answers.size() == tenants.size()) {
                return answers;
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = new ArrayList<>(tenants);
                missing.removeAll(answers.keySet());
                throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "NoDescription",
                        "no schema description from " + String.join(" and ", missing) + " within "
                        + timeout.toSeconds() + " s: is its agent running? (request " + asked.requestId() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RequestRefused(RequestRefused.Reason.UNAVAILABLE, "Unavailable", "interrupted");
            }
        }
    }

    private static HttpResponse<?> notFound(String tenant) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("NotFound", "no tenant '" + tenant
                + "' has reported"));
    }
}
