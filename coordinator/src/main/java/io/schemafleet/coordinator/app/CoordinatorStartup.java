package io.schemafleet.coordinator.app;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.coordinator.kafka.TopicCheck;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.coordinator.publish.EventWriter;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * What the coordinator does before it serves requests: create or check the topics, start
 * the projection (its tables were migrated by Flyway when the data source was created),
 * and register the event writer's transactional id. A failure here fails the start.
 */
@Singleton
public class CoordinatorStartup {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStartup.class);

    private final CoordinatorConfig config;
    private final KafkaClients clients;
    private final Projection projection;
    private final EventWriter writer;

    public CoordinatorStartup(CoordinatorConfig config, KafkaClients clients, Projection projection,
                              EventWriter writer) {
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
    }
}
