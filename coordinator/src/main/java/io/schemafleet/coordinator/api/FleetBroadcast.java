package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.sse.Event;
import io.schemafleet.coordinator.projection.Projection;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fleet summary ({@code GET /api/fleet}'s JSON) as a live stream of server-sent events
 * named {@code fleet}. After the projection commits records it is read again, at most
 * once per {@link #MIN_INTERVAL} however many batches arrive (one read serves every
 * subscriber), so a report shows within a second and a busy fleet costs at most four
 * queries a second. A subscriber gets the newest summary at once, then each new one;
 * {@code : keepalive} comments every {@link #KEEPALIVE} keep proxies from closing a quiet
 * stream.
 */
@Singleton
public class FleetBroadcast implements AutoCloseable {
    /** Event name of the summary. */
    public static final String EVENT = "fleet";
    /** Least time between two reads of the summary. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(250);
    /** Time between keepalive comments. */
    public static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(FleetBroadcast.class);

    private final FleetController fleet;
    private final ObjectMapper json;
    private final ScheduledExecutorService reader;
    private final Sinks.Many<String> latest = Sinks.many().replay().latest();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AutoCloseable listening;
    private volatile long lastRead = System.nanoTime() - MIN_INTERVAL.toNanos();

    public FleetBroadcast(Projection projection, FleetController fleet, ObjectMapper json) {
        this.fleet = fleet;
        this.json = json;
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schemafleet-fleet-broadcast");
            t.setDaemon(true);
            return t;
        });
        this.listening = projection.onChange(this::changed);
        changed(); // the first summary, for the first subscriber
    }

    /** The stream one subscriber gets: the newest summary, each new one, and keepalives. */
    public Flux<Event<String>> events() {
        return Flux.merge(
                latest.asFlux().map(summary -> Event.of(summary).name(EVENT)),
                Flux.interval(KEEPALIVE, KEEPALIVE).map(tick -> Event.of("").comment("keepalive")));
    }

    /** Schedules one read unless one is already due; called on the projection thread, so it only schedules. */
    private void changed() {
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastRead + MIN_INTERVAL.toNanos() - System.nanoTime());
            schedule(wait);
        }
    }

    private void schedule(long nanos) {
        if (!reader.isShutdown()) {
            reader.schedule(this::read, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void read() {
        // Cleared before reading, so that a change committed during the read schedules another.
        pending.set(false);
        lastRead = System.nanoTime();
        try {
            latest.tryEmitNext(json.writeValueAsString(fleet.fleet()));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("cannot read the fleet summary for the stream; trying again in {}: {}", RETRY_AFTER_FAILURE,
                    e.toString());
            if (pending.compareAndSet(false, true)) {
                schedule(RETRY_AFTER_FAILURE.toNanos());
            }
        }
    }

    @Override
    @PreDestroy
    public void close() throws Exception {
        listening.close();
        reader.shutdownNow();
        latest.tryEmitComplete();
    }
}
