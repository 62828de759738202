package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.rollout.RolloutQueries;
import io.schemafleet.coordinator.rollout.RolloutService;
import io.schemafleet.protocol.event.TenantPinned;

import java.util.Map;
import java.util.Set;

/** Pins: {@code POST /api/tenants/{id}/pin}, {@code /unpin}, {@code GET /api/pins}. */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PinsController {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RolloutService service;
    private final RolloutQueries queries;

    public PinsController(RolloutService service, RolloutQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    /** A pin: the tenant and where it stays ({@code to} null once unpinned). */
    public record PinAnswer(String tenant, String to) {
    }

    /** {@code {"to":"<revision>"}}, or no body: pin the tenant where it is. */
    @Post("/tenants/{id}/pin")
    public HttpResponse<?> pin(@PathVariable String id, @Body @Nullable String body) {
        if (queries.tenantHeads(id).isEmpty()) {
            return notFound(id);
        }
        String to = null;
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InvalidJsonAnswer.refusal(e, "{\"to\":\"<revision>\"}, {} or no body");
        }
        // A misspelt or mistyped field must not pin the tenant where it is instead of where it was meant to go.
        if (json != null && !json.isNull()) {
            if (!json.isObject()) {
                throw invalid("expected {\"to\":\"<revision>\"}, {} or no body");
            }
            WaveRequests.onlyFields(json, Set.of("to"), "the pin");
            JsonNode given = json.get("to");
            if (given != null && !given.isNull()) {
                if (!given.isTextual() || given.asText().isBlank()) {
                    throw invalid("'to' must be a revision (a non-empty string), or left out to pin the tenant where"
                            + " it is");
                }
                to = given.asText();
            }
        }
        TenantPinned pinned = service.pin(id, to, RolloutsController.REQUESTED_BY);
        return HttpResponse.ok(new PinAnswer(pinned.tenant(), pinned.to()));
    }

    @Post("/tenants/{id}/unpin")
    public HttpResponse<?> unpin(@PathVariable String id) {
        if (queries.tenantHeads(id).isEmpty()) {
            return notFound(id);
        }
        service.unpin(id, RolloutsController.REQUESTED_BY);
        return HttpResponse.ok(new PinAnswer(id, null));
    }

    /** Every pin: tenant → destination. */
    @Get("/pins")
    public Map<String, String> pins() {
        return queries.pins();
    }

    private static RequestRefused invalid(String message) {
        return new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", message);
    }

    private static HttpResponse<?> notFound(String id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("NotFound", "no tenant '" + id
                + "' has reported"));
    }
}
