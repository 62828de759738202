package io.schemafleet.agent.cli;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.loop.AgentLoop;
import io.schemafleet.agent.loop.AgentSettings;
import io.schemafleet.agent.loop.HealthServer;
import io.schemafleet.agent.tenant.LabelRules;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.TrustPolicy;
import io.schemafleet.protocol.trust.TrustedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * {@code schemafleet agent}: the long-running agent beside a database. Follows the
 * revisions and rollouts topics, keeps its tenants at the fleet's destination, reports
 * every tenant's outcome and a heartbeat. Stops cleanly on SIGTERM or Ctrl-C.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent: follow Kafka, keep the selected tenants at the fleet's destination, report.")
public final class AgentCommand implements Callable<Integer> {
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9_$./-]{1,200}");

    @Mixin
    TenantSelection selection;

    @Option(names = "--kafka-bootstrap", defaultValue = "${env:SCHEMAFLEET_KAFKA_BOOTSTRAP}", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $SCHEMAFLEET_KAFKA_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Any Kafka client property, e.g. security.protocol=SASL_SSL (repeatable). From the "
                    + "environment: SCHEMAFLEET_KAFKA_PROP_SECURITY_PROTOCOL=SASL_SSL and so on.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--topic-prefix", defaultValue = "${env:SCHEMAFLEET_TOPIC_PREFIX:-schemafleet}",
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Mixin
    ApplyTuning tuning;

    @Option(names = "--resync", defaultValue = "${env:SCHEMAFLEET_RESYNC:-30s}", converter = DurationConverter.class,
            description = "Reconcile every tenant at least this often (default: ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(names = "--heartbeat", defaultValue = "${env:SCHEMAFLEET_HEARTBEAT:-10s}", converter = DurationConverter.class,
            description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(names = "--health-port", defaultValue = "${env:SCHEMAFLEET_HEALTH_PORT:-8081}",
            description = "Port of GET /health and GET /metrics (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int healthPort;

    @Option(names = "--agent-id", defaultValue = "${env:SCHEMAFLEET_AGENT_ID}",
            description = "This agent's id in reports (default: $SCHEMAFLEET_AGENT_ID or agent-<host>).")
    String agentId;

    @Option(names = "--trusted-keys", split = ",", paramLabel = "PATH", defaultValue = "${env:SCHEMAFLEET_TRUSTED_KEYS}",
            description = "Public key files (PEM) of the coordinator, or directories of *.pem files; comma-separated or "
                    + "repeated (default: $SCHEMAFLEET_TRUSTED_KEYS). Events on the revisions and rollouts topics "
                    + "must be signed by one of them. Several keys at once for a rotation: docs/security.md.")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--allow-unsigned", defaultValue = "${env:SCHEMAFLEET_ALLOW_UNSIGNED:-false}",
            description = "DEVELOPMENT ONLY: also apply events that carry no signature "
                    + "($SCHEMAFLEET_ALLOW_UNSIGNED=true). Signed events must still verify.")
    boolean allowUnsigned;

    @Option(names = "--label", paramLabel = "KEY=VALUE[,KEY=VALUE]", split = ";",
            defaultValue = "${env:SCHEMAFLEET_LABELS}",
            description = "Labels of every tenant of this agent, for rollout waves, e.g. region=eu (repeatable; "
                    + "default: $SCHEMAFLEET_LABELS).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--tenant-label", paramLabel = "GLOB:KEY=VALUE[,KEY=VALUE]", split = ";",
            defaultValue = "${env:SCHEMAFLEET_TENANT_LABELS}",
            description = "Labels of the tenants whose id matches GLOB ('*', '?'), e.g. 'tenant_00*:tier=canary' "
                    + "(repeatable, later rules win; default: $SCHEMAFLEET_TENANT_LABELS, rules separated by ';').")
    List<String> tenantLabels = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new SchemafleetException("no Kafka: give --kafka-bootstrap or set SCHEMAFLEET_KAFKA_BOOTSTRAP");
        }
        String id = agentId != null ? agentId : "agent-" + Hosts.name();
        if (!AGENT_ID.matcher(id).matches()) {
            throw new SchemafleetException("agent id '" + id + "' must be 1 to 200 of letters, digits and _$./-");
        }
        Map<String, Object> kafka = new HashMap<>(KafkaEnvironment.properties(System.getenv()));
        kafka.putAll(kafkaProperties);
        kafka.put("bootstrap.servers", bootstrap);
        kafka.putIfAbsent("client.id", id);
        ApplyOptions apply = tuning.options(id, selection.layout());
        TrustPolicy trust = trust();
        AgentSettings settings = new AgentSettings(Topics.withPrefix(topicPrefix), kafka, resync, heartbeat,
                tuning.parallel, tuning.ddlPerServer(), apply, trust);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Databases pools = new Databases(DbCredentials.fromEnvironment(), tuning.parallel, apply.readTimeout());
             AgentLoop loop = new AgentLoop(settings,
                     LabelRules.parse(nonNull(labels), nonNull(tenantLabels)).applyTo(selection.source(pools)), pools,
                     (c, schema) -> SchemaFingerprint.of(c, schema).sha256())) {
            // The JVM exits once its shutdown hooks finish, so the hook itself stops the agent.
            java.io.PrintWriter err = spec.commandLine().getErr();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                err.printf("agent %s stopping (a pass under way gets 30 s to finish its steps)%n", id);
                err.flush();
                loop.close();
                if (loop.passEnded()) {
                    err.printf("agent %s stopped%n", id);
                } else {
                    List<String> working = loop.reconciling();
                    err.printf("agent %s stopped with steps still under way%s: a transactional one commits or rolls"
                            + " back whole (read again at the next start), a non-transactional one leaves its tenant"
                            + " dirty (see schemafleet tenants --state dirty)%n", id,
                            working.isEmpty() ? "" : " on " + String.join(", ", working));
                }
                err.flush();
                stopped.countDown();
            }, "schemafleet-agent-stop"));
            loop.start();
            HealthServer health = new HealthServer(healthPort, loop::health, loop.metrics()::scrape);
            if (trust.allowUnsigned()) {
                spec.commandLine().getErr().println("WARNING: --allow-unsigned: this agent applies UNSIGNED events;"
                        + " anyone who can write to the topics can run SQL on its tenants. Development only.");
            }
            spec.commandLine().getErr().printf("agent %s following %s at %s (%s); health on :%d/health, metrics on"
                    + " /metrics; Ctrl-C stops it%n", id, topicPrefix, bootstrap, trust.describe(), health.port());
            spec.commandLine().getErr().flush();
            stopped.await();
        }
        return 0;
    }

    private TrustPolicy trust() {
        List<Path> paths = trustedKeys == null ? List.of() : trustedKeys.stream()
                .filter(p -> !p.toString().isBlank()).toList();
        if (paths.isEmpty() && !allowUnsigned) {
            throw new SchemafleetException("no trusted keys: give --trusted-keys or set SCHEMAFLEET_TRUSTED_KEYS to the"
                    + " coordinator's public key file (schemafleet keys generate writes one); the agent refuses to"
                    + " run without being able to verify events. For development only: --allow-unsigned");
        }
        return new TrustPolicy(TrustedKeys.load(paths), allowUnsigned);
    }

    private static List<String> nonNull(List<String> items) {
        return items == null ? List.of() : items.stream().filter(i -> i != null && !i.isBlank()).toList();
    }
}
