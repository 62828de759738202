package io.schemafleet.agent.db;

import io.schemafleet.agent.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every pooled tenant connection is set up with, read back from a real server. */
class DatabasesIT {
    @Test
    void aPooledConnectionGivesUpOnASilentServerAndTheServerOnASilentAgent() throws Exception {
        try (TestDatabase db = TestDatabase.create("databases");
             Databases pools = new Databases(DbCredentials.NONE, 1, Duration.ofMillis(90_500));
             Connection c = pools.open(db.url())) {
            assertThat(c.getNetworkTimeout()).as("the read timeout, in whole seconds rounded up, ms").isEqualTo(91_000);
            assertThat(show(c, "tcp_keepalives_idle")).isEqualTo("60");
            assertThat(show(c, "tcp_keepalives_interval")).isEqualTo("10");
            assertThat(show(c, "tcp_keepalives_count")).isEqualTo("6");
            assertThat(show(c, "tcp_user_timeout")).isEqualTo("120000");
        }
    }

    /** The pool's own "no connection in time" hides why; the server's reason is what the agent says. */
    @Test
    void aConnectionTheServerTurnsDownSaysWhy() throws Exception {
        try (TestDatabase db = TestDatabase.create("databases_role");
             Databases pools = new Databases(new DbCredentials("schemafleet_no_such_role", "x"), 1)) {
            // The test server's URL may name its user; the role must be the missing one either way.
            String url = db.url().replace("user=postgres", "user=schemafleet_no_such_role");
            assertThatThrownBy(() -> pools.open(url).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("schemafleet_no_such_role")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("28"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Connection is not available"));
        }
    }

    @Test
    void aSocketTimeoutInTheUrlWins() throws Exception {
        try (TestDatabase db = TestDatabase.create("databases_url");
             Databases pools = new Databases(DbCredentials.NONE, 1, Duration.ofMinutes(16));
             Connection c = pools.open(db.url() + (db.url().contains("?") ? "&" : "?") + "socketTimeout=7")) {
            assertThat(c.getNetworkTimeout()).isEqualTo(7_000);
        }
    }

    private static String show(Connection c, String setting) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
