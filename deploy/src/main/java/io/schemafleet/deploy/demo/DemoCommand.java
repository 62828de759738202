package io.schemafleet.deploy.demo;

import io.schemafleet.agent.db.ScratchHome;
import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.agent.cli.DurationConverter;
import io.schemafleet.coordinator.client.FleetClient;
import io.schemafleet.coordinator.client.FleetView;
import io.schemafleet.coordinator.client.FleetWatch;
import io.schemafleet.coordinator.security.Role;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.protocol.SchemafleetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code schemafleet demo}: a whole fleet in one JVM, no Docker. An embedded Kafka
 * broker and PostgreSQL server, the coordinator, two agents and {@code --tenants}
 * tenants; publishes the example revisions and rolls the fleet out to head through the
 * coordinator's HTTP API, and shows it converge as {@code GET /api/fleet} sees it.
 * Runs until Ctrl-C (or, with {@code --exit-when-converged}, until the fleet is at head),
 * then stops everything in order and removes its data.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a whole fleet in this JVM (no Docker): embedded Kafka and PostgreSQL, the coordinator, "
                + "two agents and their tenants; publish the example revisions, roll out to head, and watch the "
                + "fleet converge. Ctrl-C stops it and removes its data. See docs/demo.md."})
public final class DemoCommand implements Callable<Integer> {
    /** Exit status when the demo was stopped (Ctrl-C) before it was done: 128 + SIGINT. */
    static final int STOPPED = 130;

    @Option(names = "--tenants", defaultValue = "100", paramLabel = "N",
            description = "Tenants in all: schemas in two databases and up to 4 database tenants (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "The coordinator's HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
            description = "Address the HTTP API listens on (default: ${DEFAULT-VALUE}; the API needs the token the demo prints).")
    String host;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Revision files to publish (default: the bundled examples, deploy/examples/versions).")
    Path dir;

    @Option(names = "--exit-when-converged",
            description = "Exit 0 once every tenant is at head (exit 1 if that takes longer than --timeout).")
    boolean exitWhenConverged;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --exit-when-converged: give up after this long, counted from the start"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private volatile boolean stopRequested;
    private volatile boolean jvmExiting;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        TenantLayout layout;
        try {
            layout = TenantLayout.of(tenants);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535");
        }
        requireFreePort();
        SortedMap<String, String> revisions = dir == null ? RevisionFiles.bundled() : RevisionFiles.fromDirectory(dir);

        out.printf("Schemafleet demo: Kafka, PostgreSQL, a coordinator and two agents in this JVM; %d tenants%n",
                layout.total());
        out.flush();
        DemoStack stack = new DemoStack(ScratchHome.create(DemoStack.HOME_PREFIX, DemoPostgres.DATA_DIR));
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            jvmExiting = true;
            stopRequested = true;
            try {
                finished.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "schemafleet-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(stack, layout, revisions, start, out);
        } finally {
            stop(stack, out);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it has just been released
            }
        }
    }

    private int run(DemoStack stack, TenantLayout layout, SortedMap<String, String> revisions, long start,
                    PrintWriter out) throws InterruptedException {
        stack.startServers(layout);
        row(out, "PostgreSQL", String.format(Locale.ROOT, "embedded, port %d, ready in %.1f s; %d tenants created in %.1f s",
                stack.postgres().port(), secs(stack.postgresStartup()), layout.total(), secs(stack.tenantsCreation())));
        row(out, "Kafka", String.format(Locale.ROOT, "embedded KRaft broker at %s, ready in %.1f s",
                stack.kafka().bootstrapServers(), secs(stack.kafka().startupTime())));
        if (stopRequested) {
            return STOPPED;
        }
        long begin = System.nanoTime();
        String token = Tokens.generate(Role.OPERATOR);
        URI api = stack.startCoordinator(host, port, token);
        row(out, "coordinator", String.format(Locale.ROOT, "%s, ready in %.1f s", api, (System.nanoTime() - begin) / 1e9));
        row(out, "signing", "events signed with key " + stack.signingKey().keyId() + "; agents trust "
                + stack.publicKeyFile().getFileName() + " only (docs/security.md)");
        if (stopRequested) {
            return STOPPED;
        }
        stack.startAgents();
        row(out, "agent-1", layout.schemasA() + " schema tenants in " + TenantLayout.DATABASE_A + " ("
                + TenantLayout.range(layout.schemaNamesA()) + ")");
        row(out, "agent-2", layout.schemasB() + " schema tenants in " + TenantLayout.DATABASE_B + " ("
                + TenantLayout.range(layout.schemaNamesB()) + "), " + layout.databases() + " database tenants ("
                + TenantLayout.range(layout.databaseNames()) + ")");

        FleetClient fleet = new FleetClient(api, token);
        begin = System.nanoTime();
        JsonNode published = fleet.publish(revisions);
        row(out, "published", published.path("published").size() + " revisions with POST /api/revisions"
                + (published.path("unchanged").isEmpty() ? "" : ", " + published.path("unchanged").size() + " unchanged")
                + String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - begin) / 1e9));
        begin = System.nanoTime();
        JsonNode rollout = fleet.rollout("head");
        row(out, "rollout", rollout.path("rollout_id").asText() + " to head with POST /api/rollouts"
                + String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - begin) / 1e9));
        out.println();
        row(out, "API", api.resolve("/api/fleet") + "  (docs/api.md; send Authorization: Bearer <token>)");
        // The fragment stays in the browser: the token never reaches the server in a URL or its logs.
        row(out, "dashboard", api + "#token=" + token);
        row(out, "token", token + "  (operator; export SCHEMAFLEET_TOKEN=" + token + " for the CLI)");
        row(out, "metrics", api.resolve("/prometheus") + "  (the same token)");
        row(out, "psql", "psql " + stack.postgres().psqlUrl(TenantLayout.DATABASE_A) + "  (also " + TenantLayout.DATABASE_B
                + (layout.databases() > 0 ? ", " + TenantLayout.range(layout.databaseNames()) : "") + ")");
        row(out, "JDBC", stack.postgres().jdbcUrl(TenantLayout.DATABASE_A) + "  (user " + DemoPostgres.USER
                + ", no password)");
        row(out, "data", stack.home() + "  (removed on exit)");
        out.println(exitWhenConverged ? "Exits once every tenant is at head." : "Ctrl-C stops the demo.");
        out.println();
        out.flush();

        FleetWatch watch = new FleetWatch(fleet, layout.total(), start, out, System.console() != null);
        FleetWatch.Outcome outcome = watch.run(exitWhenConverged ? FleetWatch.Until.CONVERGED : FleetWatch.Until.NEVER,
                timeout, () -> stopRequested);
        return switch (outcome) {
            case CONVERGED -> 0;
            case STOPPED -> STOPPED;
            case TIMED_OUT, STUCK, HALTED -> { // only TIMED_OUT: the demo waits for convergence, not for settling
                FleetView last = watch.last();
                spec.commandLine().getErr().println("error: the fleet did not converge within " + timeout.toSeconds()
                        + " s: " + (last == null ? "the coordinator never answered GET /api/fleet"
                        : last.converged() + " of " + Math.max(layout.total(), last.reported()) + " tenants at "
                        + last.headsText() + ", by state " + last.byState()));
                spec.commandLine().getErr().flush();
                yield 1;
            }
        };
    }

    private void stop(DemoStack stack, PrintWriter out) {
        long begin = System.nanoTime();
        out.println("stopping: agents, coordinator, Kafka broker, PostgreSQL");
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        boolean removed = stack.close(jvmExiting, problem -> {
            err.println("warning: " + problem);
            err.flush();
        });
        out.printf(Locale.ROOT, "stopped in %.1f s%s%n", (System.nanoTime() - begin) / 1e9,
                removed ? "; removed " + stack.home() : "");
        out.flush();
    }

    /** Fails before anything starts if the port is taken (a second demo, a coordinator already running). */
    private void requireFreePort() {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new SchemafleetException("port " + port + " on " + host + " is not free (" + e.getMessage()
                    + "): stop what uses it, or run the demo with --port 0 (a free port) or another --port");
        }
    }

    private static void row(PrintWriter out, String label, String text) {
        out.printf("  %-12s %s%n", label, text);
        out.flush();
    }

    private static double secs(Duration d) {
        return d.toNanos() / 1e9;
    }
}
