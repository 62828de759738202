package io.schemafleet.deploy.bench;

import io.schemafleet.agent.cli.BenchRevisions;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.support.TestPostgres;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.coordinator.security.Role;
import io.schemafleet.coordinator.security.Tokens;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.topic.Topics;
import io.schemafleet.protocol.trust.SigningKey;
import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * What every benchmark shares: the embedded Kafka broker and PostgreSQL server of the
 * test JVM, the coordinator's signing key (its public half is what agents trust), an
 * operator token, and the revision chain.
 */
final class BenchEnv implements AutoCloseable {
    final BenchSettings settings;
    final TestKafka kafka = TestKafka.broker();
    final TestPostgres postgres = TestPostgres.server();
    final SigningKey signingKey = SigningKey.generate("bench-coordinator");
    final String operatorToken = Tokens.generate(Role.OPERATOR);
    final List<Revision> chain;
    final Path keyFile;
    final Path trustedKeyFile;
    /** Each created database's name by its URL, in the order they were created. */
    private final java.util.Map<String, String> databases = new java.util.LinkedHashMap<>();

    BenchEnv(BenchSettings settings) throws IOException {
        this.settings = settings;
        this.chain = BenchRevisions.generate(settings.revisions());
        this.keyFile = Files.createTempFile("schemafleet-bench", ".pem");
        this.trustedKeyFile = Files.createTempFile("schemafleet-bench", ".pub.pem");
        Files.writeString(keyFile, signingKey.privatePem());
        Files.writeString(trustedKeyFile, signingKey.trustedKey().pem());
    }

    String head() {
        return chain.get(chain.size() - 1).id();
    }

    /**
     * A fresh database for one measurement, dropped when the benchmarks end: a run against an
     * existing server leaves nothing behind.
     */
    String createDatabase(String prefix) {
        String name = postgres.createDatabaseNamed(prefix);
        String url = postgres.jdbcUrl(name);
        databases.put(url, name);
        return url;
    }

    /** The CPU the server's backends for the database at {@code url} (one of ours) have used so far. */
    ServerCpu.Snapshot serverCpu(String url) throws SQLException {
        try (Connection c = postgres.admin()) {
            return ServerCpu.take(c, databases.get(url));
        }
    }

    /** Fresh topics under a prefix of their own, created as the coordinator would. */
    Topics topics(String name) {
        Topics topics = new Topics(kafka.uniquePrefix(name), Topics.DEFAULT_REPORT_PARTITIONS);
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).ensure(topics);
        }
        return topics;
    }

    /** Credentials travel in the test server's URLs. */
    DbCredentials credentials() {
        return DbCredentials.NONE;
    }

    /** Steps that bring {@code tenants} fresh tenants through the chain. */
    long steps(int tenants) {
        return (long) tenants * chain.size();
    }

    /** {@link #createSchemas}, as schema tenants of the database at {@code url}. */
    static List<Tenant> createSchemaTenants(String url, String prefix, int count) throws SQLException {
        return createSchemas(url, prefix, count).stream().map(s -> Tenant.schema(url, s)).toList();
    }

    /** Creates {@code count} schemas named {@code prefix00000...} in the database at {@code url}. */
    static List<String> createSchemas(String url, String prefix, int count) throws SQLException {
        List<String> names = new java.util.ArrayList<>(count);
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                String name = String.format(Locale.ROOT, "%s%05d", prefix, i);
                st.addBatch("CREATE SCHEMA " + name);
                names.add(name);
            }
            st.executeBatch();
        }
        return names;
    }

    /** The server's version and durability settings, for the report: the floor depends on them. */
    String describePostgres() throws java.sql.SQLException {
        try (java.sql.Connection c = postgres.admin(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'),"
                     + " current_setting('synchronous_commit'), current_setting('data_directory')")) {
            rs.next();
            return String.format(Locale.ROOT, "%s %s, fsync=%s, synchronous_commit=%s, data in %s",
                    System.getenv("SCHEMAFLEET_TEST_PG_URL") == null ? "embedded" : "existing server", rs.getString(1),
                    rs.getString(2), rs.getString(3), rs.getString(4));
        }
    }

    /**
     * Writes every dirty page out now ({@code CHECKPOINT}), so that a timed phase does not
     * pay for the one before it: creating a database forces a checkpoint, and one falling
     * into a phase moved the floor between 19 and 35 s from run to run.
     */
    void checkpoint() throws java.sql.SQLException {
        try (java.sql.Connection c = postgres.admin(); java.sql.Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    /**
     * Starts {@code schemafleet agent} in its own JVM on the schemas matching {@code pattern}
     * of the database at {@code dbUrl}, trusting the bench coordinator's key; returns once its
     * health check says it has read the log.
     */
    ChildJvm startAgent(Topics topics, String dbUrl, String pattern, String id) throws IOException, InterruptedException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ChildJvm agent = ChildJvm.start(id, settings.agentJvm(), List.of("agent",
                "--kafka-bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                "--db", dbUrl, "--schemas", pattern, "--health-port", Integer.toString(port),
                "--parallel", Integer.toString(settings.parallel()), "--agent-id", id,
                "--heartbeat", "2s", "--trusted-keys", trustedKeyFile.toString()));
        var http = java.net.http.HttpClient.newHttpClient();
        var health = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/health")).build();
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            agent.requireAlive();
            try {
                if (http.send(health, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return agent;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        String log = agent.tail();
        agent.close();
        throw new IllegalStateException("agent " + id + " was not healthy within 2 minutes:\n" + log);
    }

    @Override
    public void close() throws IOException {
        for (String name : databases.values()) {
            try {
                postgres.dropDatabase(name);
            } catch (RuntimeException e) {
                System.err.println("could not drop benchmark database " + name + ": " + e.getMessage());
            }
        }
        Files.deleteIfExists(keyFile);
        Files.deleteIfExists(trustedKeyFile);
    }
}
