package io.schemafleet.deploy.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet benchmarks of docs/benchmarks.md, side by side in one run on one machine,
 * against the embedded Kafka broker and PostgreSQL server: end-to-end convergence against
 * the plain-JDBC floor and a Flyway loop, publish → first step, the coordinator's
 * projection and {@code GET /api/fleet}, and the resident memory of agent and coordinator
 * processes, at growing fleet sizes. Not part of {@code mvn verify}: run it with
 * {@code mvn -q -pl deploy -am test -Pbench} (settings: {@link BenchSettings}). Prints the
 * tables and writes them, with a plot, to {@code deploy/target/bench/}.
 */
class FleetBenchmark {
    @Test
    void fleetBenchmarks() throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        BenchReport report = new BenchReport(settings);
        System.out.println("Schemafleet fleet benchmarks: " + settings);
        try (BenchEnv env = new BenchEnv(settings)) {
            report.postgres = env.describePostgres();
            System.out.println("PostgreSQL: " + report.postgres);
            if (settings.runs("server-work")) {
                report.serverWork = new ServerWorkBench(env).run(settings.serverTenants());
            }
            if (settings.runs("convergence")) {
                ConvergenceBench bench = new ConvergenceBench(env);
                bench.warmUp();
                for (int n : settings.tenants()) {
                    report.convergence.add(bench.run(n));
                }
            }
            if (settings.runs("latency")) {
                report.latency = new PublishLatencyBench(env).run();
                System.out.printf(Locale.ROOT, "  publish → first step: p50 %.0f ms, p99 %.0f ms%n",
                        report.latency.percentile(50), report.latency.percentile(99));
            }
            if (settings.runs("projection")) {
                ProjectionBench bench = new ProjectionBench(env);
                for (int n : settings.coordinatorTenants()) {
                    ProjectionBench.Result r = bench.run(n);
                    System.out.printf(Locale.ROOT, "  %d simulated tenants: %.0f reports/s, GET /api/fleet p50 %.1f ms,"
                            + " RSS %.0f MB%n", n, r.reportsPerSecond(), r.fleetP50Millis(), r.memory().rssMb());
                    report.projection.add(r);
                }
            }
        }
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(settings.out());
        Files.writeString(settings.out().resolve("results.md"), markdown);
        List<String> charts = new ArrayList<>(report.charts());
        if (!charts.isEmpty()) {
            Files.writeString(settings.out().resolve("growth.svg"), SvgPlot.document(charts));
        }
        System.out.println("written: " + settings.out().toAbsolutePath().resolve("results.md")
                + (charts.isEmpty() ? "" : " and growth.svg"));
        assertThat(report.convergence.size() + report.projection.size() + (report.latency == null ? 0 : 1)
                + (report.serverWork == null ? 0 : 1))
                .as("measured something").isPositive();
    }
}
