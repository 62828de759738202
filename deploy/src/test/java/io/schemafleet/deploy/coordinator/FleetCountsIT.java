package io.schemafleet.deploy.coordinator;

import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.coordinator.store.FleetTally;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fleet_counts} (V5__fleet_counts.sql) against a full recount of {@code tenants}
 * after every statement of a random sequence: batch upserts as the projection writes
 * them, updates, deletes and a truncate, with tenants changing state, heads and
 * fingerprint, so that heads' majorities form, tie and flip. After each, the counts read
 * as {@code GET /api/fleet} reads them ({@link FleetTally}) must also agree with the
 * {@code fleet_tenants} view, which {@code GET /api/tenants?state=drifted} reads.
 */
class FleetCountsIT {
    private static final String[] STATES = {"converged", "converged", "converged", "applying", "failed"};
    private static final String[] HEADS = {"", "0001_a", "0002_b", "0002_b,0003_c"};
    private static final String[] FINGERPRINTS = {null, "a".repeat(64), "b".repeat(64), "c".repeat(64)};
    private static final String UPSERT = "INSERT INTO tenants (id, heads, state, fingerprint, attempts, agent,"
            + " last_report_at, last_seen_at) SELECT id, heads, state, fingerprint, 0, 'agent', now(), now()"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS r (id, heads, state, fingerprint)"
            + " ON CONFLICT (id) DO UPDATE SET heads = EXCLUDED.heads, state = EXCLUDED.state,"
            + " fingerprint = EXCLUDED.fingerprint";

    private TestDatabase db;

    @AfterEach
    void tearDown() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void countsMatchARecountAfterEveryChange() throws SQLException {
        db = TestDatabase.create("fleet_counts");
        Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migration").load().migrate();
        Random random = new Random(9);
        int drifted = 0;
        try (Connection c = db.connection()) {
            for (int step = 0; step < 300; step++) {
                int tenants = step < 150 ? 12 : 60; // few tenants first: ties and flips are frequent
                switch (random.nextInt(40)) {
                    case 0 -> execute(c, "TRUNCATE tenants");
                    case 1, 2 -> execute(c, "DELETE FROM tenants WHERE state = 'failed'");
                    case 3, 4, 5 -> execute(c, "DELETE FROM tenants WHERE id = ?", tenant(random, tenants));
                    case 6, 7, 8, 9 -> execute(c, "UPDATE tenants SET fingerprint = ? WHERE id = ?",
                            FINGERPRINTS[random.nextInt(FINGERPRINTS.length)], tenant(random, tenants));
                    case 10, 11, 12 -> execute(c, "UPDATE tenants SET heads = ?, state = 'converged' WHERE heads = ?",
                            HEADS[random.nextInt(HEADS.length)], HEADS[random.nextInt(HEADS.length)]);
                    default -> upsert(c, random, tenants);
                }
                assertThat(counts(c)).as("fleet_counts after step %d", step).isEqualTo(recount(c));
                Map<String, Long> states = tally(c).byState();
                assertThat(states).as("states as GET /api/fleet counts them, step %d", step).isEqualTo(viewStates(c));
                drifted += states.containsKey("drifted") ? 1 : 0;
            }
        }
        assertThat(drifted).as("steps that ended with drifted tenants").isGreaterThan(30);
    }

    /** One statement upserting up to 8 tenants, new ones and known ones, as ReportBatch does. */
    private static void upsert(Connection c, Random random, int tenants) throws SQLException {
        Map<String, String[]> rows = new TreeMap<>();
        for (int i = random.nextInt(8); i >= 0; i--) {
            rows.put(tenant(random, tenants), new String[]{HEADS[random.nextInt(HEADS.length)],
                    STATES[random.nextInt(STATES.length)], FINGERPRINTS[random.nextInt(FINGERPRINTS.length)]});
        }
        List<String> ids = new ArrayList<>(rows.keySet());
        try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            for (int col = 0; col < 3; col++) {
                int k = col;
                s.setArray(col + 2, c.createArrayOf("text", ids.stream().map(id -> rows.get(id)[k]).toArray()));
            }
            s.executeUpdate();
        }
    }

    private static void execute(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setString(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }

    private static String tenant(Random random, int tenants) {
        return "t" + random.nextInt(tenants);
    }

    private static List<String> counts(Connection c) throws SQLException {
        return rows(c, "SELECT state, heads, fingerprint, tenants FROM fleet_counts ORDER BY 1, 2, 3");
    }

    private static List<String> recount(Connection c) throws SQLException {
        return rows(c, "SELECT state, heads, coalesce(fingerprint, ''), count(*) FROM tenants GROUP BY 1, 2, 3"
                + " ORDER BY 1, 2, 3");
    }

    private static FleetTally tally(Connection c) throws SQLException {
        List<FleetTally.Group> groups = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, heads, fingerprint, tenants FROM fleet_counts")) {
            while (rs.next()) {
                String fingerprint = rs.getString(3);
                groups.add(new FleetTally.Group(rs.getString(1), rs.getString(2),
                        fingerprint.isEmpty() ? null : fingerprint, rs.getLong(4)));
            }
        }
        return FleetTally.of(groups, null);
    }

    private static Map<String, Long> viewStates(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, count(*) FROM fleet_tenants GROUP BY 1")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getLong(4));
            }
        }
        return out;
    }
}
