package io.schemafleet.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.projection.Heads;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.publish.RetryResult;
import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.protocol.event.InvalidEventException;
import io.schemafleet.protocol.event.Names;
import io.schemafleet.protocol.fleet.TenantState;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code /api/tenants}: tenants by state and heads, one tenant with its history, retry requests. */
@Controller("/api/tenants")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TenantsController {
    /** Largest page. */
    public static final int MAX_SIZE = 1000;
    /** Events shown with a tenant unless asked otherwise. */
    public static final int DEFAULT_HISTORY = 100;

    /** The {@code requested_by} of retry requests made through the API. */
    static final String REQUESTED_BY = "api";

    private final FleetQueries queries;
    private final EventWriter writer;

    public TenantsController(FleetQueries queries, EventWriter writer) {
        this.queries = queries;
        this.writer = writer;
    }

    /** A tenant and its newest events first. */
    public record TenantDetail(FleetQueries.Tenant tenant, List<FleetQueries.TenantEvent> history) {
    }

    @Get
    public FleetQueries.TenantPage list(@Nullable @QueryValue String state, @Nullable @QueryValue String heads,
                                        @Nullable @QueryValue Integer page, @Nullable @QueryValue Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || s < 1 || s > MAX_SIZE) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest",
                    "page must be 0 or more and size 1 to " + MAX_SIZE);
        }
        List<String> states = state == null ? List.of()
                : Arrays.stream(state.split(",")).map(String::trim).filter(x -> !x.isEmpty()).distinct().toList();
        return queries.tenants(states, heads == null ? null : Heads.parse(heads), p, s);
    }

    /**
     * The retry request appended; {@code applied} false if the projection had not applied it
     * within {@code schemafleet.await-projection} (it still takes effect, later). {@code state}
     * is the tenant's as read right after; {@code note}, null if the tenant was failed when
     * asked, says what the retry does not do for one in another state ({@link RetryNote}).
     */
    public record RetryAnswer(String tenant, String eventId, boolean applied, String state, @Nullable String note) {
    }

    /**
     * Asks the tenant's agent to try it again ({@code TenantRetryRequested}); answers once
     * the projection has the request (it shows in the tenant's history, and a failed tenant
     * is {@code behind} until its agent reports again), or with {@code applied} false if
     * the projection is late.
     */
    @Post("/{id}/retry")
    public HttpResponse<?> retry(@PathVariable String id) {
        Optional<FleetQueries.Tenant> before = queries.tenant(requireTenantId(id, "tenant id"));
        if (before.isEmpty()) {
            return notFound(id);
        }
        if (TenantState.FAILED.code().equals(before.get().state())) {
            // Its agent would hold the retry until the resume, while the tenant showed behind, its failure hidden.
            queries.pausedRolloutHolding(id).ifPresent(rollout -> {
                throw new RequestRefused(RequestRefused.Reason.CONFLICT, "RolloutPaused", "rollout " + rollout
                        + " is paused, and " + id + "'s agent starts no step for it until the rollout is resumed:"
                        + " resume it (schemafleet rollout resume " + rollout + "), then retry " + id);
            });
        }
        RetryResult result = writer.requestRetry(id, REQUESTED_BY);
        // The state now may already be the new try's (a quick agent); the note is about the one asked about.
        String state = stateAfter(id).orElse(before.get().state());
        return HttpResponse.accepted().body(new RetryAnswer(id, result.eventId(), result.applied(), state,
                RetryNote.of(before.get()).orElse(null)));
    }

    /** The tenant's state read again; empty if that read fails, which must not turn a written request into an error. */
    private Optional<String> stateAfter(String id) {
        try {
            return queries.tenant(id).map(FleetQueries.Tenant::state);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Get("/{id}")
    public HttpResponse<?> one(@PathVariable String id, @Nullable @QueryValue Integer history) {
        int limit = history == null ? DEFAULT_HISTORY : Math.max(0, Math.min(history, 10_000));
        return queries.tenant(requireTenantId(id, "tenant id"))
                .<HttpResponse<?>>map(t -> HttpResponse.ok(new TenantDetail(t, queries.history(id, limit))))
                .orElseGet(() -> notFound(id));
    }

    /**
     * Returns {@code id} if it can name a tenant at all; a clear 400 otherwise (quotes,
     * spaces, unicode, 10 KB): no agent reports such a tenant, so it is not worth a query.
     */
    static String requireTenantId(String id, String field) {
        try {
            return Names.verify(id, field);
        } catch (InvalidEventException e) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", e.getMessage());
        }
    }

    private static HttpResponse<?> notFound(String id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("NotFound", "no tenant '" + id + "' has reported"));
    }
}
