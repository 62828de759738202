package io.schemafleet.coordinator.publish;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.Map;

/**
 * {@code writer} in {@code GET /health}: DOWN once another coordinator with this one's
 * producer id took over writing, so that an orchestrator stops sending this one requests
 * (its readiness), without restarting it (its liveness leaves this out): a restarted one
 * would take the id back and fence the other in turn.
 */
@Singleton
@Readiness
public class WriterHealth implements HealthIndicator {
    private final EventWriter writer;
    private final String producerId;

    public WriterHealth(EventWriter writer, CoordinatorConfig config) {
        this.writer = writer;
        this.producerId = config.getProducerId();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthResult.Builder result = HealthResult.builder("writer");
        if (writer.fenced()) {
            return Publishers.just(result.status(HealthStatus.DOWN).details(Map.of("reason",
                    TransactionalSender.tookOver(producerId) + "; this one writes nothing more")).build());
        }
        return Publishers.just(result.status(HealthStatus.UP).build());
    }
}
