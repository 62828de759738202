package io.schemafleet.coordinator.app;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.coordinator.kafka.TopicCheck;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.rollout.RolloutService;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * What the coordinator does before it serves requests: create or check the topics, start
 * the projection (its tables were migrated by Flyway when the data source was created),
 * register the event writer's transactional id, and start the rollout engine. A failure here fails the start.
 */
@Singleton
public class CoordinatorStartup {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStartup.class);

    private final CoordinatorConfig config;
    private final KafkaClients clients;
    private final Projection projection;
    private final EventWriter writer;
    private final RolloutService rollouts;

    public CoordinatorStartup(CoordinatorConfig config, KafkaClients clients, Projection projection,
                              EventWriter writer, RolloutService rollouts) {
        this.rollouts = rollouts;
        this.config = config;
        this.clients = clients;
        this.projection = projection;
        this.writer = writer;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        try (Admin admin = clients.admin()) {
            TopicCheck check = new TopicAdmin(admin, Optional.ofNullable(config.getReplicationFactor()),
                    TopicAdmin.DEFAULT_TIMEOUT).ensure(config.topics());
            LOG.info("topics ready: {}", check);
        }
        projection.start();
        writer.start();
        rollouts.start();
    }
}
