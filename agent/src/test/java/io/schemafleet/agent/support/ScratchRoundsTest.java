package io.schemafleet.agent.support;

import org.junit.jupiter.api.Test;
import java.sql.*;
import java.util.*;

class ScratchRoundsTest {
    @Test
    void rounds() throws Exception {
        TestPostgres pg = TestPostgres.server();
        String[] opts = {" TEMPLATE template0", " TEMPLATE template0 STRATEGY FILE_COPY"};
        try (Connection c = pg.admin(); Statement s = c.createStatement()) {
            for (int r = 0; r < 8; r++) {
                String o = opts[r % 2];
                long t0 = System.nanoTime();
                for (int i = 0; i < 20; i++) s.execute("CREATE DATABASE scr_" + r + "_" + i + o);
                long t1 = System.nanoTime();
                for (int i = 0; i < 20; i++) s.execute("DROP DATABASE scr_" + r + "_" + i + " WITH (FORCE)");
                System.err.printf("%s: create %d ms drop %d ms%n", o, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            }
        }
    }
}
