package io.schemafleet.coordinator.api;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.sse.Event;
import org.reactivestreams.Publisher;

/**
 * {@code GET /api/stream}: server-sent events, {@code fleet} with the same JSON as
 * {@code GET /api/fleet} on connect and after every change of the projection (see
 * {@link FleetBroadcast}).
 */
@Controller("/api/stream")
public class StreamController {
    private final FleetBroadcast broadcast;

    public StreamController(FleetBroadcast broadcast) {
        this.broadcast = broadcast;
    }

    @Get(produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> stream() {
        return broadcast.events();
    }
}
