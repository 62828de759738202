package io.schemafleet.agent.loop;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportOutboxTest {
    private final List<String> dropped = new ArrayList<>();
    private final ReportOutbox outbox = new ReportOutbox(dropped::add);

    @Test
    void aFailedTailIsHandedBackInOrderOnceAndCountsAsResent() {
        long first = outbox.number("t1");
        long second = outbox.number("t1");
        outbox.failed(report("t1", first, "applying"));
        outbox.failed(report("t1", second, "converged"));

        assertThat(outbox.undelivered()).isEqualTo(2);
        outbox.brokerTookOne();
        assertThat(values(due())).containsExactly("applying", "converged");
        assertThat(due()).as("handed back once: the resend is numbered and tracked anew").isEmpty();
        assertThat(outbox.undelivered()).isZero();
        assertThat(outbox.resent()).isEqualTo(2);
        assertThat(dropped).as("nothing dropped: both go out again").isEmpty();
    }

    @Test
    void failedReportsWaitWhileANewerReportOfTheirTenantIsOnItsWay() {
        long old = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        long newer = outbox.number("t1");
        outbox.brokerTookOne();

        assertThat(due()).as("sending the old one now could land it after the newer one").isEmpty();

        outbox.failed(report("t1", newer, "converged"));
        outbox.brokerTookOne();
        assertThat(values(due())).containsExactly("applying", "converged");
    }

    @Test
    void aTenantDueAMomentAgoIsNotOnceANewerReportOfItIsOnItsWay() {
        outbox.failed(report("t1", outbox.number("t1"), "applying"));
        outbox.brokerTookOne();
        assertThat(outbox.tenantsDue().tenants()).containsExactly("t1");

        outbox.number("t1"); // a worker sends the tenant's next report before the resend takes the lock

        assertThat(outbox.takeDue("t1")).isEmpty();
        assertThat(outbox.undelivered()).as("still kept").isEqualTo(1);
    }

    @Test
    void aDeliveredReportDropsTheFailedOnesBeforeIt() {
        long old = outbox.number("t1");
        long newer = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        outbox.delivered("t1", newer);

        assertThat(outbox.undelivered()).isZero();
        assertThat(due()).isEmpty();
        assertThat(dropped).as("its steps went with it: the next visit sends them again").containsExactly("t1");
    }

    @Test
    void aFailureReportedAfterANewerDeliveryIsNotKept() {
        long old = outbox.number("t1");
        long newer = outbox.number("t1");
        outbox.delivered("t1", newer);
        outbox.failed(report("t1", old, "applying"));

        assertThat(outbox.undelivered()).isZero();
        assertThat(dropped).containsExactly("t1");
    }

    @Test
    void aResendThatFailsAgainIsHandedBackAgain() {
        outbox.failed(report("t1", outbox.number("t1"), "converged"));
        outbox.brokerTookOne();
        ReportOutbox.Undelivered taken = due().get(0);

        long again = outbox.number("t1");
        outbox.failed(new ReportOutbox.Undelivered("t1", again, taken.value(), taken.state()));
        outbox.brokerTookOne();

        assertThat(values(due())).containsExactly("converged");
        assertThat(outbox.resent()).isEqualTo(2);
    }

    @Test
    void untilTheBrokerTakesARecordAgainOnlyTheOldestTailIsHandedBackAsAProbe() {
        outbox.failed(report("t1", outbox.number("t1"), "t1 first"));
        outbox.failed(report("t2", outbox.number("t2"), "t2 first"));
        outbox.failed(report("t1", outbox.number("t1"), "t1 second"));

        assertThat(outbox.tenantsDue()).as("a probe: the tenant whose failure is oldest")
                .isEqualTo(new ReportOutbox.Due(List.of("t1"), true));
        assertThat(values(outbox.takeDue("t1"))).containsExactly("t1 first", "t1 second");

        outbox.brokerTookOne();
        assertThat(values(due())).containsExactly("t2 first");
    }

    @Test
    void aNewReportIsParkedWhileTheBrokerTakesNothingAndNotOtherwise() {
        outbox.failed(report("t1", outbox.number("t1"), "failed"));
        assertThat(outbox.park(report("t1", outbox.number("t1"), "parked"))).isTrue();

        outbox.brokerTookOne();
        assertThat(outbox.park(report("t2", outbox.number("t2"), "sent"))).isFalse();
        assertThat(values(due())).as("the parked one is due with the failed one, after it")
                .containsExactly("failed", "parked");
    }

    @Test
    void aReportGivenUpForGoodDropsTheFailedOnesBeforeIt() {
        long old = outbox.number("t1");
        long tooLarge = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        outbox.givenUp("t1", tooLarge);
        outbox.brokerTookOne();

        assertThat(due()).as("the old one would land after the one given up").isEmpty();
        assertThat(outbox.undelivered()).isZero();
    }

    @Test
    void aTenantWithNothingOutstandingIsForgottenAndAStrayLateFailureOfItIsIgnored() {
        long first = outbox.number("t1");
        outbox.delivered("t1", first);
        long next = outbox.number("t1");

        assertThat(next).as("numbers are never given twice").isGreaterThan(first);
        outbox.failed(report("t1", first, "stray"));
        outbox.brokerTookOne();
        assertThat(due()).isEmpty();
        assertThat(outbox.undelivered()).isZero();
    }

    @Test
    void tenantsAreTrackedApart() {
        outbox.failed(report("t1", outbox.number("t1"), "t1 failed"));
        outbox.failed(report("t2", outbox.number("t2"), "t2 failed"));
        outbox.number("t2"); // t2's newer report, on its way
        outbox.brokerTookOne();

        assertThat(due()).extracting(ReportOutbox.Undelivered::tenant).containsExactly("t1");
    }

    /** Every report due now, each tenant's taken as the publisher takes them. */
    private List<ReportOutbox.Undelivered> due() {
        return outbox.tenantsDue().tenants().stream().flatMap(t -> outbox.takeDue(t).stream()).toList();
    }

    /** A report whose record value is {@code label}, so tests can tell reports apart by value. */
    private static ReportOutbox.Undelivered report(String tenant, long number, String label) {
        return new ReportOutbox.Undelivered(tenant, number, label.getBytes(StandardCharsets.UTF_8), "applying");
    }

    private static List<String> values(List<ReportOutbox.Undelivered> reports) {
        return reports.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
