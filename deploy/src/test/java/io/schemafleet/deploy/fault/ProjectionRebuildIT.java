package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.Resources;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.coordinator.CoordinatorFixture;
import io.schemafleet.deploy.kafka.TestKafka;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drops the coordinator's projection in the middle of a rollout and rebuilds it from the
 * log while the agent process keeps applying steps and reporting, then compares the
 * rebuilt projection with a mirror coordinator's: same topics, same key, its own database,
 * started before anything was published and never restarted.
 *
 * <p>Once the fleet converged, the agent is stopped and both projections have consumed
 * the log to its end, every projection table must hold exactly the same rows in both
 * databases. No column is excluded: every value the projection writes comes from a record
 * (its offset, its envelope time), never from the clock, so a rebuild that read the log at
 * another time must still agree. Only {@code flyway_schema_history} is left out: it records
 * when each database was migrated, which is not part of the projection.
 *
 * <p>One rebuild by default; {@code -Dschemafleet.fault.restarts=N} rebuilds it N times,
 * once in each stage of a longer chain ({@link FleetDriver#FAULTS}).
 */
class ProjectionRebuildIT {
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void aProjectionRebuiltWhileAgentsReportEqualsOneKeptLive() throws Exception {
        TestDatabase db = resources.add(TestDatabase.create("rebuild"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "rebuild", TestKafka.broker().bootstrapServers(),
                db.url(), "agent-r");
        CoordinatorFixture coordinator = cast.coordinator();
        TenantFleet fleet = cast.fleet();
        CoordinatorFixture mirror = resources.add(coordinator.mirror());
        mirror.start();

        FleetDriver.rolloutInStages(cast, stage -> {
            coordinator.stop();
            coordinator.dropTables();
            long atDrop = fleet.appliedSteps();
            assertThat(atDrop).as("steps applied when the projection was dropped").isLessThan(stage.end());
            stage.release();
            // Reports arrive while there is no projection at all; the rebuild must pick them up from the log.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.appliedSteps() > atDrop);
            coordinator.start();
        });
        FleetDriver.assertConvergedExactlyOnce(coordinator, fleet);
        FleetDriver.awaitConverged(mirror, fleet.tenants(), fleet.head(), Duration.ofSeconds(30));

        cast.agent().kill();
        Map<TopicPartition, Long> end = logEnd(coordinator.topics);
        awaitConsumed(coordinator, end);
        awaitConsumed(mirror, end);
        Map<String, List<String>> rebuilt = snapshot(coordinator);
        Map<String, List<String>> live = snapshot(mirror);
        assertThat(rebuilt.keySet()).as("projection tables").isEqualTo(live.keySet())
                .contains("revisions", "rollouts", "fleet", "tenants", "agents", "tenant_events", "consumed_offsets");
        for (String table : live.keySet()) {
            assertThat(rebuilt.get(table)).as("rows of %s, rebuilt vs. kept live", table)
                    .containsExactlyElementsOf(live.get(table));
        }
        assertThat(live.get("tenants")).hasSize(fleet.tenants());
        // Every step is in one applying report (assertConvergedExactlyOnce counted them in the
        // rebuilt projection, equal row for row to this one); a tenant's quick steps share one.
        assertThat(live.get("tenant_events")).as("history rows: every tenant reported")
                .hasSizeGreaterThanOrEqualTo(fleet.tenants());
    }

    /** The end of every partition of the three topics, as a {@code read_committed} reader sees it. */
    private static Map<TopicPartition, Long> logEnd(Topics topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.revisions(), topics.rollouts(), topics.reports())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return consumer.endOffsets(partitions);
        }
    }

    /** Waits until the projection's stored offsets reach {@code end} in every partition. */
    private static void awaitConsumed(CoordinatorFixture fixture, Map<TopicPartition, Long> end) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(consumedOffsets(fixture)).as("offsets the projection stored").isEqualTo(end));
    }

    private static Map<TopicPartition, Long> consumedOffsets(CoordinatorFixture fixture) throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(fixture.dbUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT topic, partition, next_offset FROM consumed_offsets")) {
            while (rs.next()) {
                out.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return out;
    }

    /** Every row of every table of the projection, as text, sorted; by table name. */
    private static Map<String, List<String>> snapshot(CoordinatorFixture fixture) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(fixture.dbUrl); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    + " AND table_name <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM \"" + table + "\" t ORDER BY 1")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                out.put(table, rows);
            }
        }
        return out;
    }
}
