package io.schemafleet.deploy.demo;

import io.schemafleet.agent.db.ScratchHome;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.schemafleet.coordinator.app.CoordinatorApplication;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.trust.SigningKey;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.TrustedKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Everything the demo runs, started in dependency order and stopped in reverse:
 * agents, then the coordinator (its Kafka clients must go before the broker, or they
 * retry for ~30 s), then the broker, then PostgreSQL (everything above used it), then
 * the data directory. Started and closed from one thread.
 */
final class DemoStack implements AutoCloseable {
    static final String COORDINATOR_DATABASE = "schemafleet";
    /** How long a stop during JVM shutdown waits for Micronaut's own hook to close the coordinator. */
    private static final Duration COORDINATOR_STOP_WAIT = Duration.ofSeconds(30);

    /** Names the demo's data directory (and lets a later demo recognise an abandoned one). */
    static final String HOME_PREFIX = "schemafleet-demo-";

    private final ScratchHome home;
    private DemoPostgres postgres;
    private EmbeddedKafka kafka;
    private ApplicationContext coordinator;
    private final List<DemoAgent> agents = new ArrayList<>();
    private Path publicKeyFile;
    private SigningKey signingKey;
    private Duration postgresStartup = Duration.ZERO;
    private Duration tenantsCreation = Duration.ZERO;
    private boolean closed;

    DemoStack(ScratchHome home) {
        this.home = home;
    }

    /**
     * Starts PostgreSQL (then creates the coordinator's database and the tenants) and the
     * Kafka broker at the same time: each is mostly waiting on its own process or threads.
     */
    void startServers(TenantLayout layout) throws InterruptedException {
        ExecutorService starter = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "schemafleet-demo-start");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> pg = starter.submit(() -> {
                long begin = System.nanoTime();
                postgres = DemoPostgres.start(home);
                postgresStartup = since(begin);
                long creating = System.nanoTime();
                try {
                    postgres.execute("postgres", "CREATE DATABASE " + COORDINATOR_DATABASE);
                    layout.create(postgres);
                } catch (SQLException e) {
                    throw new SchemafleetException("cannot create the demo's tenants: " + e.getMessage(), e);
                }
                tenantsCreation = since(creating);
                return null;
            });
            Future<?> broker = starter.submit(() -> kafka = EmbeddedKafka.start(home.directory("kafka")));
            RuntimeException failure = null;
            for (Future<?> f : List.of(pg, broker)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new SchemafleetException(e.getCause().toString(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starter.shutdownNow();
        }
    }

    /**
     * Starts the coordinator on its own database, signing with a key pair made for this run
     * in the data directory (as {@code schemafleet keys generate} would); {@code port} 0
     * picks a free one.
     */
    URI startCoordinator(String host, int port, String operatorToken) {
        signingKey = SigningKey.generate("demo-coordinator");
        Path keys = home.directory("keys");
        Path privateKeyFile = keys.resolve("coordinator.pem");
        publicKeyFile = keys.resolve("coordinator.pub.pem");
        try {
            // The data directory is private to this user (ScratchHome), so the key is too.
            Files.writeString(privateKeyFile, signingKey.privatePem());
            Files.writeString(publicKeyFile, signingKey.trustedKey().pem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's key pair in " + keys, e);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("schemafleet.signing.key-file", privateKeyFile.toString());
        // Auth on, as everywhere: the demo's own operator token is the only one.
        properties.put("schemafleet.auth.operator-tokens", List.of(Tokens.sha256Hex(operatorToken)));
        properties.put("micronaut.server.host", host);
        properties.put("micronaut.server.port", port == 0 ? -1 : port);
        properties.put("schemafleet.kafka-bootstrap", kafka.bootstrapServers());
        properties.put("schemafleet.replication-factor", 1);
        properties.put("datasources.default.url", postgres.jdbcUrl(COORDINATOR_DATABASE));
        properties.put("datasources.default.username", DemoPostgres.USER);
        properties.put("datasources.default.password", "");
        coordinator = CoordinatorApplication.start(properties);
        EmbeddedServer server = coordinator.getBean(EmbeddedServer.class);
        return URI.create(server.getScheme() + "://" + host + ":" + server.getPort() + "/");
    }

    /**
     * Starts agent-1 and agent-2 (the coordinator has created the topics by now). They
     * trust the coordinator's public key file and nothing unsigned.
     */
    void startAgents() {
        TrustPolicy trust = new TrustPolicy(TrustedKeys.load(List.of(publicKeyFile)), false);
        agents.add(DemoAgent.first(postgres, kafka.bootstrapServers(), trust));
        agents.add(DemoAgent.second(postgres, kafka.bootstrapServers(), trust));
    }

    /** The key the coordinator signs with (after {@link #startCoordinator}). */
    SigningKey signingKey() {
        return signingKey;
    }

    /** The public key file the agents trust (after {@link #startCoordinator}). */
    Path publicKeyFile() {
        return publicKeyFile;
    }

    DemoPostgres postgres() {
        return postgres;
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    ScratchHome home() {
        return home;
    }

    Duration postgresStartup() {
        return postgresStartup;
    }

    Duration tenantsCreation() {
        return tenantsCreation;
    }

    @Override
    public void close() {
        close(false, problem -> { });
    }

    /**
     * Stops everything that was started, in order, each step even if an earlier one
     * failed; then removes the data directory.
     *
     * @param jvmExiting the JVM is running its shutdown hooks (Ctrl-C): Micronaut's own
     *                   hook is closing the coordinator, so wait for it instead of closing
     *                   it again (closing it from another hook at the same time can deadlock)
     * @param problems   told of every step that failed, in words
     * @return true if the data directory is gone
     */
    boolean close(boolean jvmExiting, Consumer<String> problems) {
        if (closed) {
            return true;
        }
        closed = true;
        for (int i = agents.size() - 1; i >= 0; i--) {
            DemoAgent agent = agents.get(i);
            step(problems, "stopping an agent", agent::close);
        }
        agents.clear();
        if (coordinator != null) {
            ApplicationContext context = coordinator;
            step(problems, "stopping the coordinator", () -> {
                if (jvmExiting) {
                    awaitStopped(context);
                } else {
                    context.close();
                }
            });
            coordinator = null;
        }
        if (kafka != null) {
            step(problems, "stopping the Kafka broker", kafka::close);
            kafka = null;
        }
        if (postgres != null) {
            step(problems, "stopping PostgreSQL", postgres::close);
            postgres = null;
        }
        boolean removed = home.delete();
        if (!removed) {
            problems.accept("could not remove " + home + " entirely (the next demo sweeps it)");
        }
        return removed;
    }

    private static void awaitStopped(ApplicationContext context) throws InterruptedException {
        long deadline = System.nanoTime() + COORDINATOR_STOP_WAIT.toNanos();
        while (context.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (context.isRunning()) {
            throw new IllegalStateException("the coordinator did not stop within " + COORDINATOR_STOP_WAIT.toSeconds() + " s");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(Consumer<String> problems, String what, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.accept(what + ": interrupted");
        } catch (Exception e) {
            problems.accept(what + ": " + e.getMessage());
        }
    }

    private static Duration since(long begin) {
        return Duration.ofNanos(System.nanoTime() - begin);
    }
}
