package io.schemafleet.deploy.coordinator;

import io.schemafleet.deploy.CliRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code schemafleet coordinator} refusing to start says why in terms an operator acts on:
 * a missing signing key before anything is reached, and a database that is not there by
 * the server it tried, not by a bare "Connection refused".
 */
class CoordinatorStartIT {
    @Test
    void withoutASigningKeyItSaysSoBeforeReachingItsDatabase() throws IOException {
        // No key, even where the environment names one (SCHEMAFLEET_SIGNING_KEY_FILE).
        CliRun run = CliRun.of("coordinator", "--port", "-1", "--db", "jdbc:postgresql://127.0.0.1:" + closedPort()
                + "/schemafleet", "--kafka", "127.0.0.1:" + closedPort(), "--set", "schemafleet.signing.key-file=");

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.err()).as("%s", run).startsWith("error: no signing key: set SCHEMAFLEET_SIGNING_KEY_FILE");
    }

    @Test
    void aDatabaseThatIsNotThereIsNamedByTheServerItTried() throws IOException {
        int port = closedPort();
        CliRun run = CliRun.of("coordinator", "--port", "-1", "--db", "jdbc:postgresql://127.0.0.1:" + port
                + "/schemafleet", "--kafka", "127.0.0.1:" + closedPort(), "--set",
                "schemafleet.signing.allow-unsigned=true");

        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.err()).as("%s", run)
                .startsWith("error: the coordinator did not start: its database refused or did not answer: ")
                .contains("127.0.0.1:" + port).contains("(SQLSTATE 08001)").contains("datasources.default.url (--db)");
    }

    /** A port nothing listens on (bound, then let go). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
