package io.schemafleet.deploy.kafka;

import io.schemafleet.protocol.SchemafleetException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Apache Kafka broker (KRaft, broker and controller in one process) run
 * inside this JVM from the Maven Central jars: no Docker, no Kafka installation.
 *
 * <p>What it is for: the one-command demo fleet and tests that need a real broker
 * (transactions, compaction, consumer groups behave as in production, because it is
 * the production broker code). Plain-text listeners on 127.0.0.1 only, ports chosen
 * free at start, every internal topic with replication factor 1, a 2 MB log-cleaner
 * buffer instead of 128 MB so it fits a small heap.
 *
 * <p>What it is not: a way to run Kafka in production. One node means no replication
 * and no availability; there is no security, no tuning, and the broker shares this
 * JVM's heap, GC pauses and fate. Point real deployments at a real cluster.
 *
 * <p>Topics are not created automatically ({@code auto.create.topics.enable=false}):
 * the coordinator creates Schemafleet's topics with the right configs, and a client
 * that writes to a missing topic should fail here as it would on a properly run
 * cluster, not get a topic with the wrong cleanup policy.
 *
 * <p>Not thread-safe; start, restart and close it from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** How long {@link #start()} and {@link #restart()} wait for the broker to answer. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final String LISTENER = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";
    private static final String BEHIND = "BEHIND";

    private final Path logDir;
    private final boolean ownsLogDir;
    private final Properties config;
    private final String bootstrapServers;
    /** Advertised port of each listener behind a proxy → the port that listener binds. */
    private final Map<Integer, Integer> behind;
    private KafkaRaftServer server;
    private Duration lastStartup = Duration.ZERO;
    private boolean closed;

    private EmbeddedKafka(Path logDir, boolean ownsLogDir, List<Integer> advertisedPorts) {
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        Set<Integer> taken = new HashSet<>(advertisedPorts);
        int brokerPort = freePort(taken);
        int controllerPort = freePort(taken);
        Map<Integer, Integer> bound = new LinkedHashMap<>();
        for (int advertised : advertisedPorts) {
            bound.put(advertised, freePort(taken));
        }
        this.behind = Map.copyOf(bound);
        this.config = brokerConfig(logDir, brokerPort, controllerPort, bound);
        this.bootstrapServers = "127.0.0.1:" + brokerPort;
    }

    /** Starts a broker on free ports with a fresh temporary log directory, removed by {@link #close()}. */
    public static EmbeddedKafka start() {
        return startBehind(List.of());
    }

    /**
     * {@link #start()}, with one more listener for each of {@code advertisedPorts}: it binds a
     * free port of its own ({@link #boundPortBehind}) and tells clients to come back at
     * {@code 127.0.0.1:}<i>advertised port</i>, where a proxy in front of it listens. Clients
     * bootstrapped through such a proxy reach the broker only through it (a fault test cuts
     * them off so); clients of {@link #bootstrapServers()} are not affected.
     */
    public static EmbeddedKafka startBehind(List<Integer> advertisedPorts) {
        Path dir;
        try {
            dir = Files.createTempDirectory("schemafleet-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory for the embedded Kafka broker", e);
        }
        return start(dir, true, advertisedPorts);
    }

    /**
     * Starts a broker on free ports keeping its data in {@code logDir}, which is created
     * and formatted if it holds no broker data yet, and reused (topics, offsets and all)
     * if it does. The directory is left in place by {@link #close()}.
     */
    public static EmbeddedKafka start(Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log directory " + logDir, e);
        }
        return start(logDir.toAbsolutePath(), false, List.of());
    }

    private static EmbeddedKafka start(Path logDir, boolean ownsLogDir, List<Integer> advertisedPorts) {
        EmbeddedKafka kafka = new EmbeddedKafka(logDir, ownsLogDir, advertisedPorts);
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                kafka.format();
            }
            kafka.startServer();
            return kafka;
        } catch (RuntimeException | Error e) {
            try {
                kafka.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@code host:port} of the broker's plain-text listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The port the listener advertised at {@code advertisedPort} binds ({@link #startBehind}). */
    public int boundPortBehind(int advertisedPort) {
        Integer port = behind.get(advertisedPort);
        if (port == null) {
            throw new IllegalArgumentException("no listener is advertised at port " + advertisedPort);
        }
        return port;
    }

    /** The directory holding the broker's data. */
    public Path logDir() {
        return logDir;
    }

    /** How long the most recent start or restart took, until the broker answered requests. */
    public Duration startupTime() {
        return lastStartup;
    }

    /** Client properties that reach this broker (bootstrap servers only). */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /**
     * Stops the broker and starts it again on the same ports with the same data, as a
     * broker restart in production would look to clients: connections drop, clients
     * retry, committed records and offsets are still there.
     */
    public void restart() {
        restart(() -> { });
    }

    /**
     * {@link #restart()}, running {@code whileDown} between the stop and the start (an
     * outage of whatever length it takes); the broker starts again even if it throws.
     */
    public void restart(Runnable whileDown) {
        if (closed) {
            throw new IllegalStateException("the embedded Kafka broker is closed");
        }
        stopServer();
        try {
            whileDown.run();
        } finally {
            startServer();
        }
    }

    /**
     * Stops the broker and waits for it to finish; removes the log directory if it was
     * a temporary one. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopServer();
        } finally {
            if (ownsLogDir) {
                deleteRecursively(logDir);
            }
        }
    }

    private void format() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Path configFile = null;
        int exit;
        try {
            configFile = Files.createTempFile("schemafleet-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                config.store(out, "embedded Kafka, for formatting the log directory");
            }
            exit = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", configFile.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration for formatting " + logDir, e);
        } catch (RuntimeException e) {
            throw new SchemafleetException("formatting the embedded Kafka log directory " + logDir + " failed: "
                    + e.getMessage() + " " + output.toString(StandardCharsets.UTF_8).strip(), e);
        } finally {
            deleteQuietly(configFile);
        }
        if (exit != 0) {
            throw new SchemafleetException("formatting the embedded Kafka log directory " + logDir
                    + " failed (exit " + exit + "): " + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stray properties file in the temp dir is harmless
            }
        }
    }

    private void startServer() {
        long begin = System.nanoTime();
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server = starting;
        starting.startup();
        awaitReady(Duration.ofNanos(begin + STARTUP_TIMEOUT.toNanos() - System.nanoTime()));
        lastStartup = Duration.ofNanos(System.nanoTime() - begin);
    }

    private void stopServer() {
        KafkaRaftServer running = server;
        server = null;
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
        }
    }

    /** Polls {@code describeCluster} until the broker lists itself, or fails at the deadline. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Map<String, Object> admin = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Exception last = null;
        try (Admin client = Admin.create(admin)) {
            while (System.nanoTime() < deadline) {
                try {
                    var cluster = client.describeCluster(new DescribeClusterOptions().timeoutMs(2_000));
                    if (!cluster.nodes().get(2, TimeUnit.SECONDS).isEmpty()
                            && cluster.controller().get(2, TimeUnit.SECONDS) != null) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e; // not up yet: the admin client's own backoff paces the next try
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemafleetException("interrupted while waiting for the embedded Kafka broker", e);
                }
            }
        }
        throw new SchemafleetException("the embedded Kafka broker at " + bootstrapServers + " did not answer within "
                + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private static Properties brokerConfig(Path logDir, int brokerPort, int controllerPort,
                                           Map<Integer, Integer> behind) {
        StringBuilder listeners = new StringBuilder(LISTENER + "://127.0.0.1:" + brokerPort + ","
                + CONTROLLER + "://127.0.0.1:" + controllerPort);
        StringBuilder advertised = new StringBuilder(LISTENER + "://127.0.0.1:" + brokerPort);
        StringBuilder protocols = new StringBuilder(CONTROLLER + ":PLAINTEXT," + LISTENER + ":PLAINTEXT");
        int n = 0;
        for (Map.Entry<Integer, Integer> e : behind.entrySet()) {
            String name = BEHIND + ++n;
            listeners.append(',').append(name).append("://127.0.0.1:").append(e.getValue());
            advertised.append(',').append(name).append("://127.0.0.1:").append(e.getKey());
            protocols.append(',').append(name).append(":PLAINTEXT");
        }
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", listeners.toString());
        p.put("advertised.listeners", advertised.toString());
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", LISTENER);
        p.put("listener.security.protocol.map", protocols.toString());
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // A transaction past its timeout is aborted within a second rather than ten.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The default 128 MB dedupe buffer would be most of a small heap; 2 MB compacts test-sized logs fine.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    /** A free port not in {@code taken}, which it is then added to. */
    private static int freePort(Set<Integer> taken) {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port for the embedded Kafka broker", e);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot remove the embedded Kafka log directory " + dir,
                    e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", " + logDir + "]";
    }
}
