package io.schemafleet.coordinator.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;

import java.util.Map;

/** Starts the coordinator service: Micronaut's context with the HTTP server, topics, projection and writer. */
public final class CoordinatorApplication {
    private CoordinatorApplication() {
    }

    /**
     * Starts a coordinator. Settings come from {@code application.yml}, the environment,
     * system properties and, above all of them, {@code properties}.
     *
     * @return the running context; {@code close()} it to stop the coordinator
     */
    public static ApplicationContext start(Map<String, Object> properties, String... args) {
        Micronaut micronaut = Micronaut.build(args);
        micronaut.deduceEnvironment(false);
        return micronaut.mainClass(CoordinatorApplication.class).banner(false).properties(properties).start();
    }
}
