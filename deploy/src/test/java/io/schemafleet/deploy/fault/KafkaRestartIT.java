package io.schemafleet.deploy.fault;

import io.schemafleet.deploy.PrometheusText;
import io.schemafleet.deploy.Resources;
import io.schemafleet.agent.support.TestDatabase;
import io.schemafleet.deploy.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts the Kafka broker in the middle of a rollout, with a coordinator and an agent
 * process connected to it. While the broker is down the agent keeps applying steps (they
 * need only its database) and its reports wait in its producer; afterwards the next
 * rollout goes through the restarted broker (the coordinator's transactional writer, the
 * agent's log consumer), the reports from before, during and after the outage reach the
 * projection exactly once, and the fleet converges with every step applied once.
 *
 * <p>The broker is this test's own {@link EmbeddedKafka} (restarting the shared one would
 * disturb whatever else uses it); it restarts on the same ports and log directory. One
 * restart by default; {@code -Dschemafleet.fault.restarts=N} restarts it N times, once in
 * each stage of a longer chain.
 */
class KafkaRestartIT {
    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void theFleetConvergesThroughABrokerRestartMidRollout() throws Exception {
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.start());
        TestDatabase db = resources.add(TestDatabase.create("kafkarestart"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "kafka_restart", kafka.bootstrapServers(), db.url(),
                "agent-k");

        FleetDriver.rolloutInStages(cast, stage -> kafka.restart());

        FleetDriver.assertConvergedExactlyOnce(cast.coordinator(), cast.fleet());
        assertThat(cast.agent().isAlive()).as("the same agent process rode out the restart (%s)", cast.agent())
                .isTrue();
    }

    /**
     * An outage longer than the agent producer's {@code delivery.timeout.ms} (3 s here, for the
     * default 10 minutes): a tenant finishes its rollout while the broker is down, every report
     * of it expires in the producer, and the agent would not report the tenant again (nothing
     * changes on it after). Once the broker is back, the agent sends those reports again, in
     * their order: the coordinator sees the tenant converged and each of its steps once.
     */
    @Test
    void reportsThatExpiredInALongOutageAreSentAgainOnceTheBrokerIsBack() throws Exception {
        EmbeddedKafka kafka = resources.add(EmbeddedKafka.start());
        TestDatabase db = resources.add(TestDatabase.create("kafkaoutage"));
        FleetDriver.Cast cast = FleetDriver.setUp(resources, "kafka_outage", kafka.bootstrapServers(), db.url(), 5, 6,
                "agent-o", Map.of("SCHEMAFLEET_KAFKA_PROP_DELIVERY_TIMEOUT_MS", "3000",
                        "SCHEMAFLEET_KAFKA_PROP_REQUEST_TIMEOUT_MS", "1000"));
        TenantFleet fleet = cast.fleet();
        String head = fleet.head();

        try (TenantFleet.Hold hold = fleet.hold(0)) {
            FleetDriver.rollout(cast.coordinator(), "head");
            FleetDriver.awaitOrExplain(cast.agent(), Duration.ofSeconds(60), "the unheld tenants did not reach head",
                    () -> fleet.tenantsAt(head) == fleet.tenants() - 1);
            kafka.restart(() -> {
                hold.close();
                FleetDriver.awaitOrExplain(cast.agent(), Duration.ofSeconds(60), "fi_000 did not reach head",
                        () -> fleet.tenantsAt(head) == fleet.tenants());
                FleetDriver.awaitOrExplain(cast.agent(), Duration.ofSeconds(60),
                        "fi_000's converged report did not expire in the agent's producer",
                        () -> cast.agent().logged("could not publish tenant_report for fi_000 (converged)"));
            });
        }

        long back = System.nanoTime();
        FleetDriver.assertConvergedExactlyOnce(cast.coordinator(), fleet);
        System.err.printf("FAULT kafka_outage: the coordinator saw the fleet converged %d ms after the broker was back%n",
                (System.nanoTime() - back) / 1_000_000);
        PrometheusText metrics = cast.agent().metrics();
        assertThat(metrics.value("schemafleet_agent_reports_resent_total")).as("reports the agent sent again")
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("schemafleet_agent_reports_undelivered")).as("reports still waiting").isZero();
    }
}
