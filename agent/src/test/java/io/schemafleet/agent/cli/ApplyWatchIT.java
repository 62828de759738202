package io.schemafleet.agent.cli;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code apply --watch}: a tenant created later is found and converged without anyone asking. */
class ApplyWatchIT {
    @Test
    void aNewTenantIsDiscoveredAndConvergedOnTheNextPass(@TempDir Path dir) throws Exception {
        Revision base = new Revision("w1", List.of(), List.of(), List.of(), "table", true,
                "CREATE TABLE t (id int);", "DROP TABLE t;");
        RevisionFile.create(dir.resolve("w1_table.sql"), base).write(dir.resolve("w1_table.sql"));
        try (TestDatabase db = TestDatabase.create("watch")) {
            db.execute("CREATE SCHEMA tenant_a");
            CommandLine cli = new CommandLine(new ApplyCommand());
            cli.setOut(new PrintWriter(new StringWriter(), true));
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            Thread watcher = new Thread(() -> cli.execute("--db", db.url(), "--schemas", "tenant_%", "--dir",
                    dir.toString(), "--to", "head", "--watch", "200ms"));
            watcher.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> heads(db, "tenant_a").equals(List.of("w1")));

                db.execute("CREATE SCHEMA tenant_b");

                await().atMost(Duration.ofSeconds(30)).until(() -> heads(db, "tenant_b").equals(List.of("w1")));
            } finally {
                watcher.interrupt();
                watcher.join(30_000);
            }
            assertThat(watcher.isAlive()).as("the watch loop stops when interrupted").isFalse();
            assertThat(err.toString()).contains("pass done");
        }
    }

    private static List<String> heads(TestDatabase db, String schema) {
        try (Connection c = DriverManager.getConnection(db.url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version_num FROM " + schema + ".schemafleet_version")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (Exception notYet) {
            return List.of();
        }
    }
}
