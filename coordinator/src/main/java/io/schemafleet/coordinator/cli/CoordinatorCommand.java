package io.schemafleet.coordinator.cli;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.schemafleet.coordinator.app.CoordinatorApplication;
import io.schemafleet.coordinator.app.EventTrust;
import io.schemafleet.protocol.SchemafleetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code schemafleet coordinator}: runs the coordinator service until it is stopped
 * (Ctrl-C or SIGTERM; Micronaut's shutdown hook closes it cleanly).
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Run the coordinator: HTTP API, event writer and projection of the event log into PostgreSQL.",
                "Settings come from application.yml, the environment (SCHEMAFLEET_KAFKA_BOOTSTRAP, "
                        + "SCHEMAFLEET_TOPIC_PREFIX, DATASOURCES_DEFAULT_URL, DATASOURCES_DEFAULT_USERNAME, "
                        + "DATASOURCES_DEFAULT_PASSWORD, MICRONAUT_SERVER_PORT, ...) and the options below.",
                "See docs/coordinator.md."})
public final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (default 8080; -1 for a random one).")
    Integer port;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers (schemafleet.kafka-bootstrap).")
    String kafka;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "The coordinator's PostgreSQL database (datasources.default.url).")
    String db;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other setting, e.g. --set schemafleet.topic-prefix=staging.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> properties = new LinkedHashMap<>(settings);
        if (port != null) {
            properties.put("micronaut.server.port", port);
        }
        if (kafka != null) {
            properties.put("schemafleet.kafka-bootstrap", kafka);
        }
        if (db != null) {
            properties.put("datasources.default.url", db);
        }
        ApplicationContext context;
        try {
            context = CoordinatorApplication.start(properties);
        } catch (RuntimeException e) {
            // Micronaut wraps a bean's refusal (no API token, topics that don't fit) in its own
            // exceptions; the operator needs the reason, not the wrapping.
            Throwable root = e;
            SQLException database = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SchemafleetException reason) {
                    throw reason;
                }
                if (t instanceof SQLException sql) {
                    database = sql; // the deepest one names the server it tried (host and port)
                }
                root = t;
            }
            if (database != null) {
                throw new SchemafleetException("the coordinator did not start: " + databaseFailure(database), e);
            }
            throw new SchemafleetException("the coordinator did not start: " + root, e);
        }
        context.findBean(EmbeddedServer.class).ifPresent(server ->
                spec.commandLine().getOut().println("coordinator listening on " + server.getURL()));
        context.findBean(EventTrust.class).ifPresent(trust -> spec.commandLine().getOut().println(
                trust.signingKey().map(k -> "signing events with key " + k.keyId()).orElse(
                        "WARNING: events are written UNSIGNED (schemafleet.signing.allow-unsigned=true); development only")
                        + "; the projection verifies with " + trust.policy().describe()));
        spec.commandLine().getOut().flush();
        // Micronaut's own shutdown hook stops the context on Ctrl-C / SIGTERM; closing it
        // from here as well could deadlock with that hook, so only wait for it.
        while (context.isRunning()) {
            Thread.sleep(250);
        }
        return 0;
    }

    /**
     * A database failure at start, said so that the operator knows what to change: a server
     * that cannot be reached (SQLSTATE class 08), a login it refused (28) or a database that
     * does not exist (3D000) points at the connection settings; anything else (a migration the
     * role may not run, say) is the database's own error.
     */
    private static String databaseFailure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String said = e.getMessage() + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
        if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
            return "its database refused or did not answer: " + said + ". It is datasources.default.url (--db), with"
                    + " datasources.default.username and password";
        }
        return "its database failed: " + said;
    }
}
