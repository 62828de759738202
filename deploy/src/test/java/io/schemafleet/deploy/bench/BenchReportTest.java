package io.schemafleet.deploy.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BenchReportTest {
    private static final Load LOAD = new Load("1.0", "1.0", "1.0");
    private static final ChildJvm.Memory MEMORY = new ChildJvm.Memory(200 * 1024, 210 * 1024);

    @Test
    void theFlywayGoalIsCheckedAgainstTheOneThreadLoop() {
        BenchReport report = report(List.of(1, 4), Map.of(1, 100.0, 4, 40.0));

        assertThat(report.markdown()).contains("| 1,000 | 10.0 s (9.0, 11.0) | 20.0 s | 2.00× | 100.0 s | 40.0 s | 5.0× |")
                .contains("| 1,000 tenants: ≥ 5× faster than a Flyway loop | 5.0× | yes |");
        assertThat(report.charts()).hasSize(2);
    }

    @Test
    void withoutAFlywayLoopTheReportSaysNotRunAndDrawsTheRest() {
        BenchReport report = report(List.of(), Map.of());

        assertThat(report.markdown()).contains("| 1,000 | 10.0 s (9.0, 11.0) | 20.0 s | 2.00× | not run |")
                .contains("| 1.20 + 0.80 ms → 2.10 + 0.60 ms |")
                .doesNotContain("faster than a Flyway loop");
        assertThat(report.charts()).hasSize(2);
    }

    @Test
    void theServerWorkTableComparesBothSidesAStep() {
        BenchReport report = report(List.of(), Map.of());
        report.serverWork = new ServerWorkBench.Result(200, Optional.of(new ServerCpu.PerStep(1.0, 2.0)),
                Optional.of(new ServerCpu.PerStep(1.5, 2.1)));

        assertThat(report.markdown()).contains("| 1.00 + 2.00 ms | 1.50 + 2.10 ms | 1.50×, 1.20× |");
        report.serverWork = new ServerWorkBench.Result(200, Optional.empty(), Optional.empty());
        assertThat(report.markdown()).contains("the server is not on this machine");
    }

    private static BenchReport report(List<Integer> flywayThreads, Map<Integer, Double> flywaySeconds) {
        BenchSettings settings = new BenchSettings(List.of(1000), 20, 4, List.of(), 1, 0, 0, 0, 0, "", "", flywayThreads,
                Set.of("convergence"), Path.of("target/bench"));
        BenchReport report = new BenchReport(settings);
        report.convergence.add(new ConvergenceBench.Result(1000, 9.0, 11.0, 20.0, flywaySeconds, MEMORY, LOAD,
                Optional.of(new ServerCpu.PerStep(1.2, 0.8)), Optional.of(new ServerCpu.PerStep(2.1, 0.6))));
        return report;
    }
}
