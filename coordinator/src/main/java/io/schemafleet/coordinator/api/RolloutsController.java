package io.schemafleet.coordinator.api;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.protocol.event.RolloutStarted;

/** {@code /api/rollouts}: set the fleet's destination. */
@Controller("/api/rollouts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RolloutsController {
    private final EventWriter writer;

    public RolloutsController(EventWriter writer) {
        this.writer = writer;
    }

    /** {@code {"to":"head"}}. */
    @Introspected
    public record RolloutRequest(@Nullable String to) {
    }

    /** The rollout started. */
    public record RolloutAnswer(String rolloutId, String to, String supersedes) {
    }

    @Post
    public HttpResponse<RolloutAnswer> start(@Body RolloutRequest request) {
        if (request == null) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", "expected {\"to\":\"head\"}");
        }
        RolloutStarted started = writer.startRollout(request.to());
        return HttpResponse.created(new RolloutAnswer(started.rolloutId(), started.to(), started.supersedes()));
    }
}
