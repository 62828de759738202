package io.schemafleet.deploy.bench;

import io.schemafleet.agent.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ServerCpuIT {
    private final TestPostgres postgres = TestPostgres.server();

    @Test
    void aBackendsWorkIsCountedForItsDatabaseOnly() throws Exception {
        String busy = postgres.createDatabaseNamed("cpu_busy");
        String idle = postgres.createDatabaseNamed("cpu_idle");
        try (Connection admin = postgres.admin();
             Connection work = DriverManager.getConnection(postgres.jdbcUrl(busy));
             Connection other = DriverManager.getConnection(postgres.jdbcUrl(idle));
             Statement st = work.createStatement()) {
            other.createStatement().execute("SELECT 1");
            assumeTrue(onThisMachine(work), "the test server is not on this machine (SCHEMAFLEET_TEST_PG_URL names"
                    + " another host): its backends' CPU cannot be read here");
            ServerCpu.Snapshot before = ServerCpu.take(admin, busy);
            ServerCpu.Snapshot idleBefore = ServerCpu.take(admin, idle);
            assertThat(before.ticks()).as("the busy database's one backend, read from /proc").hasSize(1);

            st.execute("SELECT count(DISTINCT md5(g::text)) FROM generate_series(1, 1000000) g");

            ServerCpu.PerStep busyCpu = ServerCpu.perStep(before, ServerCpu.take(admin, busy), 1).orElseThrow();
            ServerCpu.PerStep idleCpu = ServerCpu.perStep(idleBefore, ServerCpu.take(admin, idle), 1).orElseThrow();
            assertThat(busyCpu.userMillis()).as("a million hashes, sorted, take user CPU").isGreaterThan(100);
            assertThat(idleCpu.userMillis() + idleCpu.systemMillis()).as("the idle backend did nothing").isLessThan(50);
        } finally {
            postgres.dropDatabase(busy);
            postgres.dropDatabase(idle);
        }
    }

    private static boolean onThisMachine(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Path cmdline = Path.of("/proc", Integer.toString(rs.getInt(1)), "cmdline");
            return Files.isReadable(cmdline) && Files.readString(cmdline).startsWith("postgres");
        }
    }

    @Test
    void aStatLineIsReadAfterItsCommandNameWhateverThatHolds() {
        String stat = "4242 (postgres: x) y (z)) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 567 0 0 20 0 1 0 5 0";

        assertThat(ServerCpu.ticks(stat)).containsExactly(1234, 567);
    }
}
