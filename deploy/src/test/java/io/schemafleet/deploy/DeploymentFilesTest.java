package io.schemafleet.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deployment files ({@code deploy/Dockerfile}, {@code deploy/compose.yaml},
 * {@code deploy/k8s/*.yaml}) cannot be run here (no Docker engine, no cluster), so this
 * test reads them and checks them against the application itself: the image name, the
 * ports and probes, every environment variable name, the subcommands, and where
 * credentials come from. What the application reads is taken from its sources and
 * resources (picocli {@code ${env:...}} defaults, {@code CoordinatorConfig},
 * {@code application.yml}, {@code logback.xml}), not restated here.
 *
 * <p>Every failure is one line naming the file, the object and the problem.
 */
class DeploymentFilesTest {
    private static final Path ROOT = findRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Path COMPOSE = DEPLOY.resolve("compose.yaml");
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final Path DOCKERFILE = DEPLOY.resolve("Dockerfile");

    /** The long-running subcommands a container may run. */
    private static final List<String> SERVICES = List.of("coordinator", "agent");
    /** Read by the JVM itself, in any container. */
    private static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    /** Read by Micronaut itself (io.micronaut.context.env.DefaultEnvironment), so by the coordinator. */
    private static final Set<String> MICRONAUT_ENV = Set.of("MICRONAUT_CONFIG_FILES", "MICRONAUT_ENVIRONMENTS");
    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
            "CronJob", "Pod");

    private static final Application APP = Application.read();
    private static final String IMAGE = documentedImage();

    // ---------------------------------------------------------------- the tests

    @Test
    void theApplicationFactsAreReadFromItsSources() {
        // Guards every check below against passing because a source moved and nothing was read.
        assertThat(APP.coordinatorPort).as("micronaut.server.port in coordinator's application.yml").isEqualTo(8080);
        assertThat(APP.agentHealthPort).as("--health-port default in AgentCommand").isEqualTo(8081);
        assertThat(APP.agentEnv).contains("SCHEMAFLEET_KAFKA_BOOTSTRAP", "SCHEMAFLEET_DB_URL", "SCHEMAFLEET_SCHEMAS",
                "SCHEMAFLEET_HEALTH_PORT", "SCHEMAFLEET_PARALLEL", "SCHEMAFLEET_DB_USER", "SCHEMAFLEET_DB_PASSWORD",
                "SCHEMAFLEET_DB_PASSWORD_FILE");
        assertThat(APP.agentEnvPrefixes).containsExactly("SCHEMAFLEET_KAFKA_PROP_");
        assertThat(APP.coordinatorKeys).contains("schemafleet.kafka-bootstrap", "schemafleet.await-projection",
                "schemafleet.replication-factor", "datasources.default.url", "micronaut.server.port",
                "schemafleet.auth.enabled", "schemafleet.auth.operator-tokens", "schemafleet.auth.read-only-tokens-file");
        assertThat(APP.coordinatorMapPrefixes).contains("schemafleet.kafka-properties");
        assertThat(APP.coordinatorKeys).contains("schemafleet.signing.key-file", "schemafleet.signing.allow-unsigned");
        assertThat(APP.agentEnv).contains("SCHEMAFLEET_TRUSTED_KEYS", "SCHEMAFLEET_ALLOW_UNSIGNED");
        assertThat(APP.processEnv).contains("SCHEMAFLEET_LOG_LEVEL", "JAVA_TOOL_OPTIONS");
        assertThat(APP.subcommands).containsAll(SERVICES);
        assertThat(IMAGE).as("image tag documented in deploy/Dockerfile").contains(":");
    }

    @Test
    void environmentNamesMapToCoordinatorKeysTheWayMicronautDoes() {
        assertThat(APP.coordinatorReads("SCHEMAFLEET_KAFKA_BOOTSTRAP")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_REPORT_PARTITIONS")).isTrue();
        assertThat(APP.coordinatorReads("DATASOURCES_DEFAULT_URL")).isTrue();
        assertThat(APP.coordinatorReads("DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE")).isTrue();
        assertThat(APP.coordinatorReads("MICRONAUT_SERVER_PORT")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_SIGNING_KEY_FILE")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_KAFKA_PROPERTIES_SECURITY_PROTOCOL")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_AUTH_OPERATOR_TOKENS")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_AUTH_READ_ONLY_TOKENS_FILE")).isTrue();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_AUTH_OPERATOR_TOKEN")).isFalse();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_KAFKA_BOOTSTRAPS")).isFalse();
        assertThat(APP.coordinatorReads("SCHEMAFLEET_PARALLEL")).isFalse();
        assertThat(APP.coordinatorReads("DATASOURCES_DEFAULT_PASSWORD_FILE")).isFalse();
    }

    @Test
    void everyYamlFileParses() {
        List<String> problems = new ArrayList<>();
        List<Path> files = yamlFiles();
        assertThat(files).as("deploy/compose.yaml and the files under deploy/k8s").contains(COMPOSE)
                .anyMatch(f -> f.startsWith(K8S));
        for (Path file : files) {
            try {
                List<Object> docs = loadAll(Files.readString(file));
                if (docs.stream().allMatch(Objects::isNull)) {
                    problems.add(rel(file) + ": no YAML document");
                }
                for (int i = 0; i < docs.size(); i++) {
                    if (docs.get(i) != null && !(docs.get(i) instanceof Map)) {
                        problems.add(rel(file) + ": document " + (i + 1) + " is not a mapping");
                    }
                }
            } catch (IOException | RuntimeException e) {
                problems.add(rel(file) + ": does not parse: " + e.getMessage().replace('\n', ' '));
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void dockerfileCopiesTheBuiltJarAndRunsItWithDashJar() throws IOException {
        assertNoProblems(checkDockerfile(Files.readString(DOCKERFILE)));
    }

    @Test
    void composeFileAgreesWithTheApplication() throws IOException {
        assertNoProblems(checkCompose(rel(COMPOSE), map(loadAll(Files.readString(COMPOSE)).get(0)), COMPOSE.getParent()));
    }

    @Test
    void kubernetesManifestsAgreeWithTheApplication() throws IOException {
        Map<String, List<Map<String, Object>>> docs = new LinkedHashMap<>();
        for (Path file : yamlFiles()) {
            if (file.startsWith(K8S)) {
                docs.put(rel(file), loadAll(Files.readString(file)).stream().filter(Objects::nonNull)
                        .map(DeploymentFilesTest::map).toList());
            }
        }
        assertThat(docs.values().stream().flatMap(List::stream).map(d -> str(d.get("kind"))))
                .as("kinds in deploy/k8s").contains("Deployment", "Service", "ConfigMap");
        assertNoProblems(checkKubernetes(docs, K8S));
    }

    @Test
    void configurationReferenceNamesEverySettingAndVariable() throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/configuration.md"));
        List<String> problems = new ArrayList<>();
        Set<String> wanted = new TreeSet<>();
        wanted.addAll(APP.agentEnv);
        wanted.addAll(APP.agentEnvPrefixes);
        wanted.addAll(APP.agentOptions);
        wanted.addAll(APP.coordinatorKeys);
        wanted.addAll(APP.coordinatorMapPrefixes);
        wanted.addAll(APP.coordinatorOptions);
        wanted.addAll(APP.processEnv);
        for (String name : wanted) {
            if (!Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + "(?![\\w-])").matcher(reference).find()) {
                problems.add("docs/configuration.md: does not mention " + name);
            }
        }
        assertNoProblems(problems);
    }

    // The checks must catch what they are for: a few broken files in memory.

    @Test
    void aVariableTheAgentDoesNotReadIsReportedWithFileAndName() {
        String compose = """
                services:
                  agent:
                    image: %s
                    command: ["agent"]
                    environment:
                      SCHEMAFLEET_KAFKA_BOOTSTRAP: kafka:9092
                      SCHEMAFLEET_DB_PASWORD: oops
                      SCHEMAFLEET_KAFKA_PROP_SECURITY_PROTOCOL: SASL_SSL
                    healthcheck:
                      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081; echo 'GET /health'"]
                    depends_on:
                      coordinator: {condition: service_healthy}
                  coordinator:
                    image: %s
                    command: ["coordinator", "--db", "jdbc:postgresql://db/x"]
                    environment:
                      SCHEMAFLEET_KAFKA_BOOTSTRAPS: kafka:9092
                      DATASOURCES_DEFAULT_PASSWORD: hunter2
                    healthcheck:
                      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081; echo 'GET /health'"]
                    depends_on: [agent]
                """.formatted(IMAGE, IMAGE);
        List<String> problems = checkCompose("broken-compose.yaml", map(loadAll(compose).get(0)), DEPLOY);
        assertThat(problems).allMatch(p -> p.startsWith("broken-compose.yaml: service "));
        assertThat(String.join("\n", problems))
                .contains("service agent: environment SCHEMAFLEET_DB_PASWORD is not a variable the agent reads")
                .doesNotContain("SCHEMAFLEET_KAFKA_PROP_SECURITY_PROTOCOL")
                .contains("service coordinator: environment SCHEMAFLEET_KAFKA_BOOTSTRAPS maps to no coordinator setting")
                .contains("service coordinator: arguments [--db, jdbc:postgresql://db/x] after the subcommand")
                .contains("service coordinator: DATASOURCES_DEFAULT_PASSWORD is a literal")
                .contains("service coordinator: healthcheck does not probe port 8080")
                .contains("service coordinator: depends_on must name conditions");
    }

    @Test
    void aProbeOnTheWrongPortAndAWrongImageAreReported() {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: a}}
                  template:
                    metadata: {labels: {app: a}}
                    spec:
                      containers:
                        - name: agent
                          image: schemafleet:9.9.9
                          args: ["agent"]
                          envFrom: [{configMapRef: {name: missing}}]
                          env:
                            - {name: SCHEMAFLEET_PARALLEL, value: 8}
                            - {name: SCHEMAFLEET_DB_PASSWORD, value: hunter2}
                          ports: [{name: health, containerPort: 8081}]
                          readinessProbe: {httpGet: {path: /health, port: 8080}}
                          resources: {requests: {cpu: 100m, memory: 256Mi}}
                """;
        List<String> problems = checkKubernetes(Map.of("broken.yaml",
                loadAll(manifest).stream().map(DeploymentFilesTest::map).toList()), K8S);
        assertThat(String.join("\n", problems))
                .contains("broken.yaml: Deployment agent, container agent: image schemafleet:9.9.9, but deploy/Dockerfile documents " + IMAGE)
                .contains("container agent: readinessProbe on port 8080, but the agent listens on 8081")
                .contains("container agent: no livenessProbe")
                .contains("container agent: envFrom names ConfigMap missing, which no file in deploy/k8s defines")
                .contains("container agent: env SCHEMAFLEET_PARALLEL must be a string (quote it)")
                .contains("container agent: SCHEMAFLEET_DB_PASSWORD is a literal");
    }

    // ---------------------------------------------------------------- Dockerfile

    static List<String> checkDockerfile(String dockerfile) {
        List<String> problems = new ArrayList<>();
        String where = "deploy/Dockerfile: ";
        List<String> instructions = instructions(dockerfile);
        String from = instructions.stream().filter(i -> i.startsWith("FROM ")).reduce((a, b) -> b).orElse("");
        if (!from.matches("FROM (eclipse-temurin:17[-.\\w]*jre[-.\\w]*|gcr\\.io/distroless/java17[-.:\\w]*)( AS \\w+)?")) {
            problems.add(where + "base image '" + from + "' is not eclipse-temurin:17-jre* or distroless java17");
        }
        String jar = "target/" + APP.jarName;
        List<String> copies = instructions.stream().filter(i -> i.matches("(COPY|ADD) .*")).toList();
        Matcher copy = copies.stream().map(c -> Pattern.compile("(?:COPY|ADD)(?: --\\S+)* (\\S+) (\\S+)").matcher(c))
                .filter(m -> m.matches() && m.group(1).endsWith(APP.jarName)).findFirst().orElse(null);
        String jarInImage = null;
        if (copy == null) {
            problems.add(where + "no COPY of " + APP.jarName + " (the shade plugin's finalName in deploy/pom.xml)");
        } else {
            Path context = ROOT.resolve(documentedContext(dockerfile)).normalize();
            Path source = context.resolve(copy.group(1)).normalize();
            if (!source.equals(DEPLOY.resolve(jar))) {
                problems.add(where + "COPY " + copy.group(1) + " from context " + rel(context) + " is " + rel(source)
                        + ", but the build produces deploy/" + jar);
            }
            jarInImage = copy.group(2);
        }
        String entrypoint = instructions.stream().filter(i -> i.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElse(null);
        if (entrypoint == null) {
            problems.add(where + "no ENTRYPOINT");
        } else {
            List<String> words = jsonArray(entrypoint.substring("ENTRYPOINT ".length()));
            if (words == null) {
                problems.add(where + "ENTRYPOINT must be the exec form [\"java\", ..., \"-jar\", JAR] (signals reach the JVM)");
            } else {
                int dashJar = words.indexOf("-jar");
                if (words.isEmpty() || !words.get(0).matches("(.*/)?java") || dashJar < 0 || dashJar + 1 >= words.size()) {
                    problems.add(where + "ENTRYPOINT " + words + " does not run `java ... -jar JAR`");
                } else if (jarInImage != null && !words.get(dashJar + 1).equals(jarInImage)) {
                    problems.add(where + "ENTRYPOINT runs " + words.get(dashJar + 1) + " but the jar is copied to " + jarInImage);
                }
            }
        }
        String user = instructions.stream().filter(i -> i.startsWith("USER ")).reduce((a, b) -> b).orElse(null);
        if (user == null || user.matches("USER (root|0)(:.*)?")) {
            problems.add(where + "runs as root: add a USER with a non-root uid");
        }
        Set<Integer> exposed = instructions.stream().filter(i -> i.startsWith("EXPOSE "))
                .flatMap(i -> Arrays.stream(i.substring(7).trim().split("\\s+")))
                .map(p -> Integer.parseInt(p.replaceFirst("/.*", ""))).collect(Collectors.toSet());
        for (int port : List.of(APP.coordinatorPort, APP.agentHealthPort)) {
            if (!exposed.contains(port)) {
                problems.add(where + "does not EXPOSE " + port);
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------- compose

    static List<String> checkCompose(String file, Map<String, Object> compose, Path dir) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> services = map(compose.get("services"));
        if (services.isEmpty()) {
            problems.add(file + ": no services");
        }
        Set<String> secrets = map(compose.get("secrets")).keySet();
        for (Map.Entry<String, Object> secret : map(compose.get("secrets")).entrySet()) {
            String source = str(map(secret.getValue()).get("file"));
            if (source != null && !Files.isRegularFile(dir.resolve(source))) {
                problems.add(file + ": secret " + secret.getKey() + ": file " + source + " does not exist");
            }
        }
        String coordinatorService = services.entrySet().stream()
                .filter(e -> "coordinator".equals(first(commandOf(map(e.getValue()).get("command")))))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            String where = file + ": service " + entry.getKey() + ": ";
            Map<String, Object> service = map(entry.getValue());
            String image = str(service.get("image"));
            boolean ours = service.containsKey("build") || (image != null && image.contains("schemafleet"));
            // depends_on: the long form with conditions, on services that exist and can be healthy.
            Object dependsOn = service.get("depends_on");
            if (dependsOn != null && !(dependsOn instanceof Map)) {
                problems.add(where + "depends_on must name conditions (depends_on: {x: {condition: service_healthy}})");
            }
            for (Map.Entry<String, Object> dep : map(dependsOn).entrySet()) {
                String condition = str(map(dep.getValue()).get("condition"));
                if (!services.containsKey(dep.getKey())) {
                    problems.add(where + "depends_on " + dep.getKey() + ", which is not a service");
                } else if (condition == null) {
                    problems.add(where + "depends_on " + dep.getKey() + " without a condition");
                } else if (condition.equals("service_healthy") && !map(services.get(dep.getKey())).containsKey("healthcheck")) {
                    problems.add(where + "waits for " + dep.getKey() + " to be healthy, but it has no healthcheck");
                }
            }
            for (Object s : list(service.get("secrets"))) {
                String name = s instanceof Map<?, ?> m ? str(m.get("source")) : str(s);
                if (!secrets.contains(name)) {
                    problems.add(where + "uses secret " + name + ", which the file does not declare");
                }
            }
            for (Object v : list(service.get("volumes"))) {
                String volume = str(v instanceof Map<?, ?> m ? m.get("source") : v);
                if (volume != null && volume.startsWith(".") && !Files.exists(dir.resolve(volume.split(":")[0]))) {
                    problems.add(where + "mounts " + volume.split(":")[0] + ", which does not exist");
                }
            }
            if (!ours) {
                problems.addAll(pinned(where, image));
                continue;
            }
            if (service.containsKey("build")) {
                Map<String, Object> build = service.get("build") instanceof Map ? map(service.get("build"))
                        : Map.of("context", service.get("build"));
                Path context = dir.resolve(Objects.requireNonNullElse(str(build.get("context")), ".")).normalize();
                Path dockerfile = context.resolve(Objects.requireNonNullElse(str(build.get("dockerfile")), "Dockerfile")).normalize();
                if (!dockerfile.equals(DOCKERFILE)) {
                    problems.add(where + "builds " + rel(dockerfile) + ", not deploy/Dockerfile");
                }
            }
            if (!IMAGE.equals(image)) {
                problems.add(where + "image " + image + ", but deploy/Dockerfile documents " + IMAGE);
            }
            if (service.containsKey("entrypoint")) {
                problems.add(where + "overrides the image's entrypoint (java -jar /app/schemafleet.jar)");
            }
            List<String> command = commandOf(service.get("command"));
            String role = checkCommand(where, command, problems);
            Map<String, Env> env = new LinkedHashMap<>();
            Object environment = service.get("environment");
            if (environment instanceof List<?> items) {
                for (Object item : items) {
                    String[] kv = str(item).split("=", 2);
                    env.put(kv[0], new Env(kv.length > 1 ? kv[1] : null, kv.length > 1 ? "literal" : "host"));
                }
            } else {
                map(environment).forEach((k, v) -> env.put(k, new Env(v == null ? null : String.valueOf(v), "literal")));
            }
            if (role == null) {
                continue;
            }
            checkEnvironmentNames(where, role, env.keySet(), problems);
            for (Map.Entry<String, Env> e : env.entrySet()) {
                String value = e.getValue().value;
                if (isSecretName(e.getKey()) && value != null && !value.startsWith("${")) {
                    problems.add(where + e.getKey() + " is a literal: take it from the host (${VAR}) or a secret file");
                }
                if (e.getKey().endsWith("_FILE") && value != null && value.startsWith("/run/secrets/")
                        && list(service.get("secrets")).stream().map(s -> s instanceof Map<?, ?> m ? str(m.get("source")) : str(s))
                        .noneMatch(s -> value.equals("/run/secrets/" + s))) {
                    problems.add(where + e.getKey() + " names " + value + ", but no such secret is mounted");
                }
            }
            int port = expectedPort(role, env);
            String health = String.join(" ", commandOf(map(service.get("healthcheck")).get("test")));
            if (health.isEmpty()) {
                problems.add(where + "no healthcheck (GET /health on " + port + ")");
            } else {
                if (!health.contains("/health")) {
                    problems.add(where + "healthcheck does not ask for /health: " + health);
                }
                if (!Pattern.compile("(?<!\\d)" + port + "(?!\\d)").matcher(health).find()) {
                    problems.add(where + "healthcheck does not probe port " + port + " (the " + role + "'s): " + health);
                }
            }
            for (Object p : list(service.get("ports"))) {
                String target = p instanceof Map<?, ?> m ? str(m.get("target")) : str(p).replaceFirst("/.*", "").replaceFirst(".*:", "");
                if (!String.valueOf(port).equals(target)) {
                    problems.add(where + "publishes container port " + target + ", but the " + role + " listens on " + port);
                }
            }
            if (map(dependsOn).isEmpty()) {
                problems.add(where + "does not wait for anything (depends_on with conditions)");
            }
            if (role.equals("agent") && coordinatorService != null
                    && !"service_healthy".equals(str(map(map(dependsOn).get(coordinatorService)).get("condition")))) {
                problems.add(where + "must wait for " + coordinatorService
                        + " (condition: service_healthy): the coordinator creates the topics");
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------- Kubernetes

    static List<String> checkKubernetes(Map<String, List<Map<String, Object>>> files, Path dir) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
        List<Pod> pods = new ArrayList<>();
        files.forEach((file, docs) -> {
            for (Map<String, Object> doc : docs) {
                String kind = str(doc.get("kind"));
                String name = str(map(doc.get("metadata")).get("name"));
                if ("Kustomization".equals(kind)) {
                    checkKustomization(file, doc, dir, problems);
                    continue;
                }
                if (doc.get("apiVersion") == null || kind == null || name == null) {
                    problems.add(file + ": a document without apiVersion, kind and metadata.name");
                    continue;
                }
                if (kind.equals("ConfigMap")) {
                    configMaps.put(name, map(doc.get("data")));
                    map(doc.get("data")).forEach((key, value) -> {
                        if (!(value instanceof String)) {
                            problems.add(file + ": ConfigMap " + name + ": " + key + " must be a string (quote it)");
                        }
                        if (isSecretName(key)) {
                            problems.add(file + ": ConfigMap " + name + ": " + key + " is a credential: use a Secret");
                        }
                    });
                }
                if (WORKLOADS.contains(kind)) {
                    Map<String, Object> template = switch (kind) {
                        case "Pod" -> doc;
                        case "CronJob" -> map(map(map(map(doc.get("spec")).get("jobTemplate")).get("spec")).get("template"));
                        default -> map(map(doc.get("spec")).get("template"));
                    };
                    Map<String, Object> labels = map(map(template.get("metadata")).get("labels"));
                    Map<String, Object> selector = map(map(map(doc.get("spec")).get("selector")).get("matchLabels"));
                    if (!kind.equals("Pod") && !kind.endsWith("Job") && (selector.isEmpty()
                            || !labels.entrySet().containsAll(selector.entrySet()))) {
                        problems.add(file + ": " + kind + " " + name + ": selector.matchLabels " + selector
                                + " does not match the pod template's labels " + labels);
                    }
                    pods.add(new Pod(file, kind + " " + name, labels, map(template.get("spec"))));
                }
            }
        });
        for (Pod pod : pods) {
            List<Object> containers = new ArrayList<>(list(pod.spec.get("containers")));
            containers.addAll(list(pod.spec.get("initContainers")));
            if (containers.isEmpty()) {
                problems.add(pod.file + ": " + pod.name + ": no containers");
            }
            for (Object c : containers) {
                checkContainer(pod, map(c), configMaps, problems);
            }
        }
        files.forEach((file, docs) -> docs.stream().filter(d -> "Service".equals(d.get("kind"))).forEach(service -> {
            String where = file + ": Service " + str(map(service.get("metadata")).get("name")) + ": ";
            Map<String, Object> selector = map(map(service.get("spec")).get("selector"));
            List<Pod> selected = pods.stream().filter(p -> !selector.isEmpty()
                    && p.labels.entrySet().containsAll(selector.entrySet())).toList();
            if (selected.isEmpty()) {
                problems.add(where + "selector " + selector + " matches no pod template in deploy/k8s");
            }
            for (Object p : list(map(service.get("spec")).get("ports"))) {
                Object target = map(p).getOrDefault("targetPort", map(p).get("port"));
                for (Pod pod : selected) {
                    boolean found = list(pod.spec.get("containers")).stream()
                            .flatMap(c -> list(map(c).get("ports")).stream()).map(DeploymentFilesTest::map)
                            .anyMatch(declared -> Objects.equals(declared.get("containerPort"), target)
                                    || Objects.equals(declared.get("name"), target));
                    if (!found) {
                        problems.add(where + "targetPort " + target + " is no container port of " + pod.name);
                    }
                }
            }
        }));
        return problems;
    }

    private static void checkContainer(Pod pod, Map<String, Object> container, Map<String, Map<String, Object>> configMaps,
                                       List<String> problems) {
        String where = pod.file + ": " + pod.name + ", container " + container.get("name") + ": ";
        String image = str(container.get("image"));
        Map<String, Object> requests = map(map(container.get("resources")).get("requests"));
        if (!requests.containsKey("cpu") || !requests.containsKey("memory")) {
            problems.add(where + "no resources.requests for cpu and memory");
        }
        Map<String, Env> env = new LinkedHashMap<>();
        for (Object from : list(container.get("envFrom"))) {
            String configMap = str(map(map(from).get("configMapRef")).get("name"));
            if (map(from).containsKey("secretRef")) {
                problems.add(where + "envFrom a Secret: name each variable with env/secretKeyRef, so the names can be checked");
            } else if (!configMaps.containsKey(configMap)) {
                problems.add(where + "envFrom names ConfigMap " + configMap + ", which no file in deploy/k8s defines");
            } else {
                configMaps.get(configMap).forEach((k, v) -> env.put(k, new Env(str(v), "ConfigMap " + configMap)));
            }
        }
        for (Object e : list(container.get("env"))) {
            Map<String, Object> var = map(e);
            String name = str(var.get("name"));
            Map<String, Object> valueFrom = map(var.get("valueFrom"));
            if (var.containsKey("value") && !(var.get("value") instanceof String)) {
                problems.add(where + "env " + name + " must be a string (quote it)");
            }
            Map<String, Object> secretRef = map(valueFrom.get("secretKeyRef"));
            if (valueFrom.containsKey("secretKeyRef") && (secretRef.get("name") == null || secretRef.get("key") == null)) {
                problems.add(where + "env " + name + ": secretKeyRef needs name and key");
            }
            env.put(name, new Env(valueFrom.isEmpty() ? str(var.get("value")) : null,
                    valueFrom.isEmpty() ? "literal" : valueFrom.keySet().iterator().next()));
        }
        if (image == null || !image.contains("schemafleet")) {
            problems.addAll(pinned(where, image));
            return;
        }
        if (!IMAGE.equals(image)) {
            problems.add(where + "image " + image + ", but deploy/Dockerfile documents " + IMAGE
                    + " (retag with kustomization.yaml's images:, not in the manifests)");
        }
        if (container.containsKey("command")) {
            problems.add(where + "overrides the image's entrypoint with command: (java -jar /app/schemafleet.jar)");
        }
        String role = checkCommand(where, commandOf(container.get("args")), problems);
        if (role == null) {
            return;
        }
        checkEnvironmentNames(where, role, env.keySet(), problems);
        env.forEach((name, value) -> {
            if (isSecretName(name) && !value.source.equals("secretKeyRef")) {
                problems.add(where + name + " is a literal (" + value.source + "): take it from a Secret (secretKeyRef)"
                        + " or a mounted file (_FILE)");
            }
        });
        int port = expectedPort(role, env);
        if (list(container.get("ports")).stream().noneMatch(p -> Objects.equals(map(p).get("containerPort"), port))) {
            problems.add(where + "does not declare containerPort " + port + " (the " + role + "'s)");
        }
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            if (!container.containsKey(probe)) {
                if (!probe.equals("startupProbe")) {
                    problems.add(where + "no " + probe + " (GET /health on " + port + ")");
                }
                continue;
            }
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            String path = str(httpGet.get("path"));
            Integer probed = resolvePort(container, httpGet.get("port"));
            if (path == null || !path.startsWith("/health")) {
                problems.add(where + probe + " must be an httpGet of /health, not " + map(container.get(probe)));
            }
            if (probed == null || probed != port) {
                problems.add(where + probe + " on port " + (probed == null ? httpGet.get("port") : probed)
                        + ", but the " + role + " listens on " + port);
            }
        }
    }

    private static void checkKustomization(String file, Map<String, Object> doc, Path dir, List<String> problems) {
        for (Object resource : list(doc.get("resources"))) {
            if (!Files.exists(dir.resolve(str(resource)))) {
                problems.add(file + ": resource " + resource + " does not exist");
            }
        }
        String repository = IMAGE.substring(0, IMAGE.lastIndexOf(':'));
        String tag = IMAGE.substring(IMAGE.lastIndexOf(':') + 1);
        for (Object i : list(doc.get("images"))) {
            Map<String, Object> image = map(i);
            if (repository.equals(str(image.get("name"))) && image.containsKey("newTag")
                    && !tag.equals(str(image.get("newTag")))) {
                problems.add(file + ": images: newTag " + image.get("newTag") + ", but deploy/Dockerfile documents " + IMAGE);
            }
        }
    }

    // ---------------------------------------------------------------- shared checks

    /** The subcommand a container runs, or null with a problem. Only the subcommand: the rest is environment. */
    private static String checkCommand(String where, List<String> command, List<String> problems) {
        String role = first(command);
        if (role == null || !SERVICES.contains(role) || !APP.subcommands.contains(role)) {
            problems.add(where + "runs `" + String.join(" ", command) + "`: a container runs one of the jar's "
                    + "long-running subcommands " + SERVICES);
            return null;
        }
        if (command.size() > 1) {
            problems.add(where + "arguments " + command.subList(1, command.size()) + " after the subcommand: configure "
                    + "it through environment variables (docs/configuration.md)");
        }
        return role;
    }

    private static void checkEnvironmentNames(String where, String role, Set<String> names, List<String> problems) {
        for (String name : names) {
            if (APP.processEnv.contains(name)) {
                continue;
            }
            if (role.equals("agent") && !APP.agentEnv.contains(name)
                    && APP.agentEnvPrefixes.stream().noneMatch(p -> name.startsWith(p) && name.length() > p.length())) {
                problems.add(where + "environment " + name + " is not a variable the agent reads (it reads "
                        + APP.agentEnv + " and " + APP.agentEnvPrefixes + "*)");
            }
            if (role.equals("coordinator") && !MICRONAUT_ENV.contains(name) && !APP.coordinatorReads(name)) {
                problems.add(where + "environment " + name + " maps to no coordinator setting (application.yml or "
                        + "CoordinatorConfig; e.g. SCHEMAFLEET_TOPIC_PREFIX -> schemafleet.topic-prefix)");
            }
        }
    }

    private static int expectedPort(String role, Map<String, Env> env) {
        String override = role.equals("coordinator") ? "MICRONAUT_SERVER_PORT" : "SCHEMAFLEET_HEALTH_PORT";
        Env set = env.get(override);
        if (set != null && set.value != null && set.value.matches("\\d+")) {
            return Integer.parseInt(set.value);
        }
        return role.equals("coordinator") ? APP.coordinatorPort : APP.agentHealthPort;
    }

    private static List<String> pinned(String where, String image) {
        if (image == null) {
            return List.of(where + "no image");
        }
        String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf('/') + 1).contains(":")
                ? image.substring(image.lastIndexOf(':') + 1) : null;
        return tag == null || tag.equals("latest")
                ? List.of(where + "image " + image + " is not pinned to a version tag") : List.of();
    }

    private static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT)).find() && !name.endsWith("_FILE");
    }

    private static Integer resolvePort(Map<String, Object> container, Object port) {
        for (Object p : list(container.get("ports"))) {
            Map<String, Object> declared = map(p);
            if (Objects.equals(declared.get("containerPort"), port) || (port instanceof String
                    && port.equals(declared.get("name")))) {
                return (Integer) declared.get("containerPort");
            }
        }
        return port instanceof Integer i ? i : null;
    }

    // ---------------------------------------------------------------- what the application reads

    /** Facts about the application, read from its sources and resources. */
    static final class Application {
        int coordinatorPort;
        int agentHealthPort;
        final Set<String> agentEnv = new TreeSet<>();
        final Set<String> agentEnvPrefixes = new TreeSet<>();
        final Set<String> agentOptions = new TreeSet<>();
        final Set<String> coordinatorKeys = new TreeSet<>();
        final Set<String> coordinatorMapPrefixes = new TreeSet<>();
        final Set<String> coordinatorOptions = new TreeSet<>();
        /** Read by every subcommand's process: the JVM, logback.xml, the CLI's error handler. */
        final Set<String> processEnv = new TreeSet<>(JVM_ENV);
        final Set<String> subcommands = new TreeSet<>();
        String jarName;

        static Application read() {
            Application app = new Application();
            String agentCli = "agent/src/main/java/io/schemafleet/agent/cli/";
            try (Stream<Path> files = Files.list(ROOT.resolve(agentCli))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    app.agentEnv.addAll(all("\\$\\{env:([A-Z0-9_]+)", Files.readString(file)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String options : List.of("AgentCommand", "TenantSelection", "ApplyTuning")) {
                app.agentOptions.addAll(all("names = \"(--[a-z-]+)\"", source(agentCli + options + ".java")));
            }
            app.agentEnv.addAll(all("env\\.get\\(\"([A-Z0-9_]+)\"\\)",
                    source("agent/src/main/java/io/schemafleet/agent/db/DbCredentials.java")));
            app.agentEnvPrefixes.addAll(all("PREFIX = \"([A-Z0-9_]+)\"", source(agentCli + "KafkaEnvironment.java")));
            app.agentHealthPort = Integer.parseInt(one("SCHEMAFLEET_HEALTH_PORT:-(\\d+)", source(agentCli + "AgentCommand.java")));

            Map<String, Object> yml = map(loadAll(source("coordinator/src/main/resources/application.yml")).get(0));
            flatten("", yml, app.coordinatorKeys);
            app.coordinatorPort = Integer.parseInt(str(map(map(yml.get("micronaut")).get("server")).get("port")));
            // Every @ConfigurationProperties class of the coordinator (CoordinatorConfig, AuthConfig, ...).
            for (String config : coordinatorConfigClasses()) {
                String prefix = one("@ConfigurationProperties\\(\"([a-z.-]+)\"\\)", config);
                Matcher field = Pattern.compile("private (?!static)([\\w<>, ]+?) (\\w+)\\s*[=;]").matcher(config);
                while (field.find()) {
                    String key = prefix + "." + kebab(field.group(2));
                    (field.group(1).startsWith("Map<") ? app.coordinatorMapPrefixes : app.coordinatorKeys).add(key);
                }
            }
            app.coordinatorOptions.addAll(all("names = \"(--[a-z-]+)\"",
                    source("coordinator/src/main/java/io/schemafleet/coordinator/cli/CoordinatorCommand.java")));

            app.processEnv.addAll(all("\\$\\{([A-Z0-9_]+):-", source("deploy/src/main/resources/logback.xml")));
            app.processEnv.addAll(all("System\\.getenv\\(\"([A-Z0-9_]+)\"\\)",
                    source("coordinator/src/main/java/io/schemafleet/coordinator/cli/SchemafleetCommand.java")));

            for (String command : all("new (\\w+Command)\\(\\)", source("deploy/src/main/java/io/schemafleet/deploy/Main.java"))) {
                sourceOf(command).ifPresent(source -> app.subcommands.addAll(all("@Command\\(name = \"([\\w-]+)\"", source)));
            }
            app.jarName = one("<finalName>([^<]+)</finalName>", source("deploy/pom.xml")) + ".jar";
            return app;
        }

        /** Whether Micronaut maps this environment variable onto one of the coordinator's keys. */
        boolean coordinatorReads(String env) {
            // Micronaut turns A_B_C into every a?b?c with ? one of '.' and '-'.
            String[] parts = env.toLowerCase(Locale.ROOT).split("_");
            int joints = Math.min(parts.length - 1, 16);
            for (int mask = 0; mask < (1 << joints); mask++) {
                StringBuilder key = new StringBuilder(parts[0]);
                for (int i = 0; i < parts.length - 1; i++) {
                    key.append(i < joints && (mask & (1 << i)) != 0 ? '-' : '.').append(parts[i + 1]);
                }
                String k = key.toString();
                if (coordinatorKeys.contains(k) || coordinatorMapPrefixes.stream().anyMatch(p -> k.startsWith(p + "."))) {
                    return true;
                }
            }
            return false;
        }

        private static List<String> coordinatorConfigClasses() {
            try (Stream<Path> files = Files.walk(ROOT.resolve("coordinator/src/main/java"))) {
                List<String> out = new ArrayList<>();
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    if (text.contains("@ConfigurationProperties(\"")) {
                        out.add(text);
                    }
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static java.util.Optional<String> sourceOf(String simpleName) {
            for (String module : List.of("protocol", "agent", "coordinator", "deploy")) {
                Path dir = ROOT.resolve(module).resolve("src/main/java");
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    java.util.Optional<Path> found = files.filter(f -> f.endsWith(simpleName + ".java")).findFirst();
                    if (found.isPresent()) {
                        return java.util.Optional.of(Files.readString(found.get()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return java.util.Optional.empty();
        }

        private static void flatten(String prefix, Map<String, Object> yml, Set<String> keys) {
            yml.forEach((k, v) -> {
                String key = prefix.isEmpty() ? k : prefix + "." + k;
                if (v instanceof Map) {
                    flatten(key, map(v), keys);
                } else {
                    keys.add(key);
                }
            });
        }

        private static String kebab(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }
    }

    // ---------------------------------------------------------------- helpers

    record Env(String value, String source) {
    }

    record Pod(String file, String name, Map<String, Object> labels, Map<String, Object> spec) {
    }

    /** The image name and tag the Dockerfile documents in its `docker build -t NAME:TAG` line. */
    private static String documentedImage() {
        try {
            return one("docker build\\b[^\\n]*?\\s-t\\s+(\\S+)", Files.readString(DOCKERFILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build context of the documented `docker build ... CONTEXT` line, relative to the repository. */
    private static String documentedContext(String dockerfile) {
        return one("docker build\\b[^\\n]*?\\s(\\S+)\\s*\\n", dockerfile);
    }

    /** Dockerfile instructions, comments dropped and continuation lines joined, keyword upper-cased. */
    private static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            boolean continued = trimmed.endsWith("\\");
            current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continued) {
                String instruction = current.toString().strip().replaceAll("\\s+", " ");
                int space = instruction.indexOf(' ');
                out.add(space < 0 ? instruction.toUpperCase(Locale.ROOT)
                        : instruction.substring(0, space).toUpperCase(Locale.ROOT) + instruction.substring(space));
                current.setLength(0);
            }
        }
        return out;
    }

    /** A JSON array of strings (the exec form), or null. */
    private static List<String> jsonArray(String text) {
        Object parsed = loadAll(text).get(0);
        return parsed instanceof List<?> items && items.stream().allMatch(i -> i instanceof String)
                ? items.stream().map(String.class::cast).toList() : null;
    }

    private static List<String> commandOf(Object command) {
        if (command == null) {
            return List.of();
        }
        if (command instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return Arrays.asList(String.valueOf(command).trim().split("\\s+"));
    }

    private static String first(List<String> command) {
        return command.isEmpty() ? null : command.get(0);
    }

    private static List<Path> yamlFiles() {
        List<Path> files = new ArrayList<>(List.of(COMPOSE));
        try (Stream<Path> k8s = Files.walk(K8S)) {
            k8s.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static List<Object> loadAll(String yaml) {
        List<Object> docs = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml).forEach(docs::add);
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static Set<String> all(String regex, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String one(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no match for " + regex);
        }
        return m.group(1);
    }

    private static String source(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rel(Path path) {
        return ROOT.relativize(path.toAbsolutePath().normalize()).toString();
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s) in the deployment files:\n  " + String.join("\n  ", problems));
        }
    }

    private static Path findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/pom.xml")) && Files.isDirectory(dir.resolve("agent/src"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}
