package io.schemafleet.agent.loop;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportOutboxTest {
    private final ReportOutbox outbox = new ReportOutbox();

    @Test
    void aFailedTailIsHandedBackInOrderOnceAndCountsAsResent() {
        long first = outbox.number("t1");
        long second = outbox.number("t1");
        outbox.failed(report("t1", first, "applying"));
        outbox.failed(report("t1", second, "converged"));

        assertThat(outbox.undelivered()).isEqualTo(2);
        outbox.brokerTookOne();
        assertThat(values(outbox.takeDue())).containsExactly("applying", "converged");
        assertThat(outbox.takeDue()).as("handed back once: the resend is numbered and tracked anew").isEmpty();
        assertThat(outbox.undelivered()).isZero();
        assertThat(outbox.resent()).isEqualTo(2);
    }

    @Test
    void failedReportsWaitWhileANewerReportOfTheirTenantIsOnItsWay() {
        long old = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        long newer = outbox.number("t1");
        outbox.brokerTookOne();

        assertThat(outbox.takeDue()).as("sending the old one now could land it after the newer one").isEmpty();

        outbox.failed(report("t1", newer, "converged"));
        outbox.brokerTookOne();
        assertThat(values(outbox.takeDue())).containsExactly("applying", "converged");
    }

    @Test
    void aDeliveredReportDropsTheFailedOnesBeforeIt() {
        long old = outbox.number("t1");
        long newer = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        outbox.delivered("t1", newer);

        assertThat(outbox.undelivered()).isZero();
        assertThat(outbox.takeDue()).isEmpty();
    }

    @Test
    void aFailureReportedAfterANewerDeliveryIsNotKept() {
        long old = outbox.number("t1");
        long newer = outbox.number("t1");
        outbox.delivered("t1", newer);
        outbox.failed(report("t1", old, "applying"));

        assertThat(outbox.undelivered()).isZero();
    }

    @Test
    void aResendThatFailsAgainIsHandedBackAgain() {
        outbox.failed(report("t1", outbox.number("t1"), "converged"));
        outbox.brokerTookOne();
        ReportOutbox.Undelivered taken = outbox.takeDue().get(0);

        long again = outbox.number("t1");
        outbox.failed(new ReportOutbox.Undelivered("t1", again, taken.value(), taken.state()));
        outbox.brokerTookOne();

        assertThat(values(outbox.takeDue())).containsExactly("converged");
        assertThat(outbox.resent()).isEqualTo(2);
    }

    @Test
    void nothingIsHandedBackUntilTheBrokerTakesARecordAgain() {
        outbox.failed(report("t1", outbox.number("t1"), "converged"));
        outbox.failed(report("t2", outbox.number("t2"), "converged"));
        assertThat(outbox.takeDue()).as("the broker has taken nothing since").isEmpty();

        outbox.brokerTookOne();
        assertThat(outbox.takeDue()).hasSize(2);
    }

    @Test
    void aReportGivenUpForGoodDropsTheFailedOnesBeforeIt() {
        long old = outbox.number("t1");
        long tooLarge = outbox.number("t1");
        outbox.failed(report("t1", old, "applying"));
        outbox.givenUp("t1", tooLarge);
        outbox.brokerTookOne();

        assertThat(outbox.takeDue()).as("the old one would land after the one given up").isEmpty();
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
        assertThat(outbox.takeDue()).isEmpty();
        assertThat(outbox.undelivered()).isZero();
    }

    @Test
    void tenantsAreTrackedApart() {
        outbox.failed(report("t1", outbox.number("t1"), "t1 failed"));
        outbox.failed(report("t2", outbox.number("t2"), "t2 failed"));
        outbox.number("t2"); // t2's newer report, on its way
        outbox.brokerTookOne();

        assertThat(outbox.takeDue()).extracting(ReportOutbox.Undelivered::tenant).containsExactly("t1");
    }

    /** A report whose record value is {@code label}, so tests can tell reports apart by value. */
    private static ReportOutbox.Undelivered report(String tenant, long number, String label) {
        return new ReportOutbox.Undelivered(tenant, number, label.getBytes(StandardCharsets.UTF_8), "applying");
    }

    private static List<String> values(List<ReportOutbox.Undelivered> reports) {
        return reports.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
