package io.schemafleet.coordinator.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.exceptions.ApplicationStartupException;

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
     * @throws ApplicationStartupException if it cannot start (a {@code SchemafleetException}
     *         among the causes says why in an operator's terms)
     */
    public static ApplicationContext start(Map<String, Object> properties, String... args) {
        Micronaut micronaut = new Embedded().args(args);
        micronaut.deduceEnvironment(false);
        return micronaut.mainClass(CoordinatorApplication.class).banner(false).properties(properties).start();
    }

    /**
     * Micronaut that throws when the start fails instead of calling {@code System.exit}: the
     * caller decides (the CLI prints the reason and exits 1, the demo stops what it started,
     * a test asserts on it).
     */
    private static final class Embedded extends Micronaut {
        @Override
        protected void handleStartupException(Environment environment, Throwable exception) {
            throw new ApplicationStartupException("the coordinator did not start: " + exception.getMessage(), exception);
        }
    }
}
