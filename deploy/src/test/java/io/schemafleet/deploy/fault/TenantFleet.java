package io.schemafleet.deploy.fault;

import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.deploy.Main;
import io.schemafleet.deploy.PrometheusText;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.TrustedKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant side of a fault test: tenant schemas {@code fi_000}, {@code fi_001}, … in one
 * database, agent processes (separate JVMs running {@code schemafleet agent}) that migrate
 * them, and the invariants every fault test checks: no tenant half-migrated, no step applied
 * twice, no step undone.
 *
 * <p>The fingerprint each version must have comes from a reference schema ({@code ref_fi})
 * migrated with plain SQL, not from the agents under test. Connections are opened as
 * needed and again after the server went away, so the checks survive a PostgreSQL restart.
 */
final class TenantFleet implements AutoCloseable {
    private final String url;
    private final int tenants;
    private final List<Revision> chain;
    private final Map<String, String> expected;
    private final Path trustedKey;
    private final List<Agent> agents = new ArrayList<>();
    private Connection connection;

    private TenantFleet(String url, int tenants, List<Revision> chain, Path trustedKey) throws SQLException {
        this.url = url;
        this.tenants = tenants;
        this.chain = List.copyOf(chain);
        this.trustedKey = trustedKey;
        StringBuilder ddl = new StringBuilder("CREATE SCHEMA ref_fi;");
        for (int i = 0; i < tenants; i++) {
            ddl.append("CREATE SCHEMA ").append(schema(i)).append(';');
        }
        try (Statement st = connection().createStatement()) {
            st.execute(ddl.toString());
        }
        this.expected = referenceFingerprints();
    }

    /**
     * Creates {@code tenants} empty tenant schemas (and the reference schema) in the database at
     * {@code jdbcUrl} (with credentials); agents started here trust {@code trusted} only.
     */
    static TenantFleet create(String jdbcUrl, int tenants, List<Revision> chain, TrustedKey trusted)
            throws SQLException, IOException {
        Path key = Files.createTempFile("schemafleet-fault", ".pub.pem");
        Files.writeString(key, trusted.pem());
        return new TenantFleet(jdbcUrl, tenants, chain, key);
    }

    int tenants() {
        return tenants;
    }

    /** The last revision of the chain. */
    String head() {
        return chain.get(chain.size() - 1).id();
    }

    /** Every step of the chain on every tenant: what a finished rollout to head has applied. */
    long totalSteps() {
        return (long) tenants * chain.size();
    }

    /** An agent process migrating every tenant, reconciling each second, with its log in a temporary file. */
    Agent startAgent(String kafkaBootstrap, Topics topics, String id) throws IOException {
        return startAgent(kafkaBootstrap, topics, id, Map.of());
    }

    /** {@link #startAgent(String, Topics, String)} with these variables added to the agent's environment. */
    Agent startAgent(String kafkaBootstrap, Topics topics, String id, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("schemafleet-fault-" + id, ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                "--kafka-bootstrap", kafkaBootstrap, "--topic-prefix", topics.prefix(),
                "--db", url, "--schemas", "fi_%", "--health-port", "0", "--resync", "1s", "--heartbeat", "1s",
                "--parallel", "4", "--agent-id", id, "--trusted-keys", trustedKey.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Agent agent = new Agent(pb.start(), log);
        agents.add(agent);
        return agent;
    }

    /**
     * Fails unless every tenant's version row names a version whose fingerprint is exactly
     * the tenant's schema (no half-applied step) and no revision was applied twice.
     */
    void assertNoTenantHalfMigrated() throws SQLException {
        List<String> problems = new ArrayList<>();
        Connection c = connection();
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < tenants; i++) {
                String schema = schema(i);
                String version = "base";
                if (exists(st, schema + ".schemafleet_version")) {
                    List<String> rows = strings(st, "SELECT version_num FROM " + schema + ".schemafleet_version");
                    if (rows.size() > 1) {
                        problems.add(schema + ": " + rows.size() + " version rows on a linear chain: " + rows);
                        continue;
                    }
                    version = rows.isEmpty() ? "base" : rows.get(0);
                    List<String> twice = strings(st, "SELECT revision FROM " + schema + ".schemafleet_history"
                            + " WHERE direction = 'upgrade' AND outcome = 'applied'"
                            + " GROUP BY revision HAVING count(*) > 1");
                    if (!twice.isEmpty()) {
                        problems.add(schema + ": applied twice: " + twice);
                    }
                }
                String actual = SchemaFingerprint.of(c, schema).sha256();
                if (!actual.equals(expected.get(version))) {
                    problems.add(schema + ": at " + version + " but its schema is not that version's");
                }
            }
        }
        assertThat(problems).as("tenants half-migrated or migrated twice").isEmpty();
    }

    /** Steps applied (either direction) over all tenants, from their history tables. */
    long appliedSteps() throws SQLException {
        return historyCount("outcome = 'applied'");
    }

    /** Downgrades applied over all tenants: a rollout to head never runs one, so any is a regression. */
    long appliedDowngrades() throws SQLException {
        return historyCount("outcome = 'applied' AND direction = 'downgrade'");
    }

    /** Tenants whose version table names {@code version}. */
    long tenantsAt(String version) throws SQLException {
        List<String> schemas = schemasWith("schemafleet_version");
        if (schemas.isEmpty()) {
            return 0;
        }
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM (");
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT version_num FROM ").append(schemas.get(i))
                    .append(".schemafleet_version");
        }
        try (Statement st = connection().createStatement()) {
            return Long.parseLong(strings(st, sql.append(") v WHERE version_num = '").append(version).append("'")
                    .toString()).get(0));
        }
    }

    /**
     * Takes tenant {@code tenant}'s advisory lock, as an agent working on it holds it: every
     * agent's steps on that tenant wait (polling, see {@code LockWait}) until it is released.
     */
    Hold hold(int tenant) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, TenantStore.LOCK_NAMESPACE);
            ps.setString(2, schema(tenant));
            ps.execute();
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new Hold(c);
    }

    /** A tenant's lock, held by a session of its own: closing it (or the server dying) releases the lock. */
    static final class Hold implements AutoCloseable {
        private final Connection session;

        private Hold(Connection session) {
            this.session = session;
        }

        /** Releases the lock; again, or after the server went away, it does nothing. */
        @Override
        public void close() {
            try {
                session.close();
            } catch (SQLException e) {
                // the server is gone, and the lock with it
            }
        }
    }

    /**
     * Kills every agent process still running (SIGKILL) and removes the key and log files;
     * the log of an agent that exited on its own is printed first.
     */
    @Override
    public void close() throws Exception {
        for (Agent agent : agents) {
            if (!agent.isAlive() && !agent.killed) {
                System.err.println("an agent exited by itself: " + agent.logTail());
            }
            agent.kill();
            Files.deleteIfExists(agent.log);
        }
        if (connection != null) {
            connection.close();
        }
        Files.deleteIfExists(trustedKey);
    }

    /** One agent process and its log file. */
    static final class Agent {
        private final Process process;
        private final Path log;
        private boolean killed;

        private Agent(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** SIGKILL, and waits for the process to be gone. */
        void kill() throws InterruptedException {
            killed = true;
            process.destroyForcibly().waitFor();
        }

        /** Whether a line of the agent's log so far contains {@code text}. */
        boolean logged(String text) {
            try (var lines = Files.lines(log)) {
                return lines.anyMatch(l -> l.contains(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A scrape of the agent's {@code GET /metrics}, on the health port its first line names. */
        PrometheusText metrics() throws IOException, InterruptedException {
            Matcher port;
            try (var lines = Files.lines(log)) {
                port = lines.map(HEALTH_PORT::matcher).filter(Matcher::find).findFirst()
                        .orElseThrow(() -> new AssertionError("the agent's log names no health port: " + logTail()));
            }
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return PrometheusText.parse(scrape.body());
        }

        private static final Pattern HEALTH_PORT = Pattern.compile("health on :(\\d+)/health");

        /** The end of the agent's log without the Kafka clients' reconnection chatter, for a failure message. */
        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.contains(" o.a.k.")).toList();
                return log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return "agent pid " + process.pid() + " (log " + log + ")";
        }
    }

    /** The fingerprint each version (and base) must have, from the reference schema migrated with plain SQL. */
    private Map<String, String> referenceFingerprints() throws SQLException {
        Map<String, String> out = new HashMap<>();
        Connection c = connection();
        try (Statement st = c.createStatement()) {
            out.put("base", SchemaFingerprint.of(c, "ref_fi").sha256());
            for (Revision r : chain) {
                st.execute("SET search_path TO ref_fi");
                st.execute(r.upgradeSql());
                st.execute("RESET search_path");
                out.put(r.id(), SchemaFingerprint.of(c, "ref_fi").sha256());
            }
        }
        return out;
    }

    /**
     * Every applied step over all tenants as {@code "<tenant> <history id> <started_at in
     * epoch microseconds>"}: how a report names it ({@link #stepKey}).
     */
    Set<String> appliedRows() throws SQLException {
        List<String> schemas = schemasWith("schemafleet_history");
        if (schemas.isEmpty()) {
            return Set.of();
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT '").append(schemas.get(i))
                    .append("' || ' ' || id || ' ' || (extract(epoch FROM started_at) * 1000000)::bigint FROM ")
                    .append(schemas.get(i)).append(".schemafleet_history WHERE outcome = 'applied'");
        }
        try (Statement st = connection().createStatement()) {
            return new HashSet<>(strings(st, sql.toString()));
        }
    }

    /** A reported step of {@code tenant} as {@link #appliedRows} names its row. */
    static String stepKey(String tenant, TenantReport.Step step) {
        Instant at = step.startedAt();
        return tenant + " " + step.historyId() + " " + (at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000);
    }

    private long historyCount(String condition) throws SQLException {
        List<String> schemas = schemasWith("schemafleet_history");
        if (schemas.isEmpty()) {
            return 0;
        }
        StringBuilder sql = new StringBuilder("SELECT coalesce(sum(n), 0) FROM (");
        for (int i = 0; i < schemas.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT count(*) AS n FROM ").append(schemas.get(i))
                    .append(".schemafleet_history WHERE ").append(condition);
        }
        try (Statement st = connection().createStatement()) {
            return Long.parseLong(strings(st, sql.append(") s").toString()).get(0));
        }
    }

    private List<String> schemasWith(String table) throws SQLException {
        try (Statement st = connection().createStatement()) {
            return strings(st, "SELECT table_schema FROM information_schema.tables WHERE table_name = '" + table
                    + "' AND table_schema LIKE 'fi\\_%'");
        }
    }

    /** The cached connection, opened again if the server dropped it. */
    private Connection connection() throws SQLException {
        if (connection == null || !connection.isValid(2)) {
            if (connection != null) {
                connection.close();
            }
            connection = DriverManager.getConnection(url);
        }
        return connection;
    }

    private static String schema(int i) {
        return String.format("fi_%03d", i);
    }

    private static boolean exists(Statement st, String table) throws SQLException {
        return !strings(st, "SELECT to_regclass('" + table + "')").get(0).isEmpty();
    }

    private static List<String> strings(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String v = rs.getString(1);
                out.add(v == null ? "" : v);
            }
        }
        return out;
    }
}
