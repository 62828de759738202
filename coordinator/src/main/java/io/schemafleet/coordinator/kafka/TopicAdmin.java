package io.schemafleet.coordinator.kafka;

import io.schemafleet.protocol.topic.TopicSpec;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Makes sure Schemafleet's topics exist as they must: creates the missing ones with the
 * partitions and configs of their {@link TopicSpec}, and checks the ones already there.
 *
 * <p>Checks on an existing topic:
 * <ul>
 *   <li>revisions and rollouts must have exactly their one partition: their events are
 *       read in one total order. Anything else is a {@link TopicMismatchException}.</li>
 *   <li>every topic's {@code cleanup.policy} must include {@code compact}: the topics are
 *       the event log the coordinator rebuilds its state from. {@code delete} alone is a
 *       {@link TopicMismatchException}; {@code compact,delete} with a finite retention is
 *       a warning (old events will go).</li>
 *   <li>reports with fewer partitions than configured is a warning (it works, with less
 *       parallelism); more is fine. Other configs that differ from the spec are warnings.</li>
 * </ul>
 * Replication factor and {@code min.insync.replicas} are the deployment's choice and are
 * not checked; new topics get the given replication factor, or the broker's default.
 *
 * <p>Safe to run from several coordinators at once: a topic someone else created between
 * our look and our create ({@link TopicExistsException}) is looked at again and checked
 * like any existing one.
 */
public final class TopicAdmin {
    /** How long {@link #ensure} may take unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final String CLEANUP_POLICY = TopicConfig.CLEANUP_POLICY_CONFIG;
    private static final long RACE_BACKOFF_MS = 100;

    private final Admin admin;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    /** Broker-default replication factor, {@link #DEFAULT_TIMEOUT}. */
    public TopicAdmin(Admin admin) {
        this(admin, Optional.empty(), DEFAULT_TIMEOUT);
    }

    /**
     * @param admin             a client of the cluster; not closed here
     * @param replicationFactor for topics created here; empty for the broker's
     *                          {@code default.replication.factor}
     * @param timeout           how long one {@link #ensure} call may take in all
     */
    public TopicAdmin(Admin admin, Optional<Short> replicationFactor, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.replicationFactor = Objects.requireNonNull(replicationFactor, "replicationFactor");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException("replication factor must be 1 or more, got " + rf);
            }
        });
    }

    /**
     * Creates or checks the revisions, rollouts and reports topics of {@code topics}.
     *
     * @throws TopicMismatchException an existing topic is unusable (every problem listed)
     * @throws TopicSetupException    Kafka could not be asked or refused to create a topic
     */
    public TopicCheck ensure(Topics topics) {
        return ensure(topics.specs(), Set.of(topics.revisions(), topics.rollouts()));
    }

    /**
     * Creates or checks the topics of {@code specs}.
     *
     * @param totallyOrdered names of topics whose partition count must be exactly the
     *                       spec's; for the others more partitions are fine and fewer a warning
     */
    public TopicCheck ensure(List<TopicSpec> specs, Set<String> totallyOrdered) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TopicSpec> wanted = new LinkedHashMap<>();
        specs.forEach(spec -> wanted.put(spec.name(), spec));

        Map<String, TopicDescription> found = describe(wanted.keySet(), deadline);
        List<String> created = new ArrayList<>();
        List<String> missing = wanted.keySet().stream().filter(name -> !found.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            List<String> raced = create(missing.stream().map(wanted::get).toList(), created, deadline);
            // The controller has them; wait until the broker we talk to does too, so that
            // clients started after this call find them.
            awaitVisible(created, deadline);
            found.putAll(awaitVisible(raced, deadline));
        }

        List<String> existing = wanted.keySet().stream().filter(found::containsKey).toList();
        Map<String, Config> configs = describeConfigs(existing, deadline);
        List<TopicProblem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String name : existing) {
            TopicChecks.check(wanted.get(name), found.get(name).partitions().size(), configs.get(name),
                    totallyOrdered.contains(name), problems, warnings);
        }
        warnings.forEach(LOG::warn);
        if (!problems.isEmpty()) {
            throw new TopicMismatchException(problems);
        }
        created.forEach(name -> LOG.info("created Kafka topic {} ({})", name, describeSpec(wanted.get(name))));
        return new TopicCheck(created, existing, warnings);
    }

    /** The topics among {@code names} that exist, with their descriptions. */
    private Map<String, TopicDescription> describe(Iterable<String> names, long deadline) {
        var options = new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline));
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(
                toList(names), options).topicNameValues();
        Map<String, TopicDescription> found = new LinkedHashMap<>();
        for (var entry : futures.entrySet()) {
            try {
                found.put(entry.getKey(), await(entry.getValue(), deadline));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("cannot describe Kafka topic " + entry.getKey(), e.getCause());
                }
            }
        }
        return found;
    }

    /** Creates {@code specs}; adds the names it created to {@code created}; returns those someone else created first. */
    private List<String> create(List<TopicSpec> specs, List<String> created, long deadline) {
        List<NewTopic> newTopics = specs.stream()
                .map(spec -> new NewTopic(spec.name(), Optional.of(spec.partitions()), replicationFactor)
                        .configs(spec.configs()))
                .toList();
        var futures = admin.createTopics(newTopics, new CreateTopicsOptions().timeoutMs(remainingMillis(deadline)))
                .values();
        List<String> raced = new ArrayList<>();
        for (TopicSpec spec : specs) {
            try {
                await(futures.get(spec.name()), deadline);
                created.add(spec.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    LOG.info("Kafka topic {} was created concurrently by another client; checking it", spec.name());
                    raced.add(spec.name());
                } else {
                    throw failure("cannot create Kafka topic " + spec.name() + " (" + describeSpec(spec) + ")",
                            e.getCause());
                }
            }
        }
        return raced;
    }

    /**
     * Describes topics that were just created, here or by another client. The controller
     * knows them; the broker answering may need a moment to learn of them.
     */
    private Map<String, TopicDescription> awaitVisible(List<String> names, long deadline) {
        Map<String, TopicDescription> found = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(names);
        while (!pending.isEmpty()) {
            found.putAll(describe(pending, deadline));
            pending.removeAll(found.keySet());
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RACE_BACKOFF_MS) >= deadline) {
                throw new TopicSetupException("Kafka created topics " + pending + " but did not describe them within "
                        + timeout.toSeconds() + " s", new TimeoutException());
            }
            try {
                Thread.sleep(RACE_BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted while checking Kafka topics " + pending, e);
            }
        }
        return found;
    }

    private Map<String, Config> describeConfigs(List<String> names, long deadline) {
        if (names.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        var futures = admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(remainingMillis(deadline)))
                .values();
        Map<String, Config> configs = new LinkedHashMap<>();
        for (ConfigResource resource : resources) {
            try {
                configs.put(resource.name(), await(futures.get(resource), deadline));
            } catch (ExecutionException e) {
                throw failure("cannot read the configs of Kafka topic " + resource.name(), e.getCause());
            }
        }
        return configs;
    }

    private <T> T await(KafkaFuture<T> future, long deadline) throws ExecutionException {
        try {
            return future.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TopicSetupException("Kafka did not answer within " + timeout.toSeconds()
                    + " s while creating or checking Schemafleet's topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating or checking Kafka topics", e);
        }
    }

    private static TopicSetupException failure(String what, Throwable cause) {
        return new TopicSetupException(what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                cause);
    }

    private static int remainingMillis(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }

    private static List<String> toList(Iterable<String> names) {
        List<String> list = new ArrayList<>();
        names.forEach(list::add);
        return list;
    }

    static String describeSpec(TopicSpec spec) {
        return spec.partitions() + (spec.partitions() == 1 ? " partition" : " partitions")
                + spec.configs().entrySet().stream().map(e -> ", " + e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining());
    }

    /** The checks on one existing topic; pure, so they read as the rules they are. */
    static final class TopicChecks {
        private TopicChecks() {
        }

        static void check(TopicSpec spec, int partitions, Config config, boolean totallyOrdered,
                          List<TopicProblem> problems, List<String> warnings) {
            String name = spec.name();
            if (totallyOrdered && partitions != spec.partitions()) {
                problems.add(new TopicProblem(name, "has " + partitions + " partitions but must have exactly "
                        + spec.partitions() + ", so that its events keep one total order. Kafka cannot remove"
                        + " partitions: recreate the topic (its events are lost) or use another topic prefix"));
            } else if (partitions < spec.partitions()) {
                warnings.add("Kafka topic " + name + " has " + partitions + " partitions, fewer than the configured "
                        + spec.partitions() + ": Schemafleet works with it, with less parallelism");
            }
            for (var wantedConfig : spec.configs().entrySet()) {
                String key = wantedConfig.getKey();
                String actual = value(config, key);
                if (key.equals(CLEANUP_POLICY)) {
                    checkCleanupPolicy(name, wantedConfig.getValue(), actual, config, problems, warnings);
                } else if (!wantedConfig.getValue().equals(actual)) {
                    warnings.add("Kafka topic " + name + " has " + key + "=" + actual + "; Schemafleet creates it with "
                            + key + "=" + wantedConfig.getValue() + ". To set it: "
                            + alterCommand(name, key, wantedConfig.getValue()));
                }
            }
        }

        private static void checkCleanupPolicy(String name, String wanted, String actual, Config config,
                                               List<TopicProblem> problems, List<String> warnings) {
            Set<String> have = policies(actual);
            Set<String> need = policies(wanted);
            if (!have.containsAll(need)) {
                problems.add(new TopicProblem(name, "has cleanup.policy=" + actual + " but needs " + wanted
                        + ": it is part of the event log the coordinator rebuilds its state from. Fix with "
                        + alterCommand(name, CLEANUP_POLICY, wanted)));
                return;
            }
            String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
            if (have.contains(TopicConfig.CLEANUP_POLICY_DELETE) && !need.contains(TopicConfig.CLEANUP_POLICY_DELETE)
                    && !"-1".equals(retention)) {
                warnings.add("Kafka topic " + name + " has cleanup.policy=" + actual + " with retention.ms=" + retention
                        + ": events older than that are deleted and can no longer be replayed; use cleanup.policy="
                        + wanted + " or retention.ms=-1");
            }
        }

        /** The command that gives topic {@code name} the config {@code key=value}. */
        private static String alterCommand(String name, String key, String value) {
            return "kafka-configs.sh --alter --entity-type topics --entity-name " + name + " --add-config " + key + "="
                    + value;
        }

        private static Set<String> policies(String value) {
            if (value == null || value.isBlank()) {
                return Set.of();
            }
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .collect(Collectors.toSet());
        }

        private static String value(Config config, String key) {
            ConfigEntry entry = config == null ? null : config.get(key);
            return entry == null ? null : entry.value();
        }
    }
}
