package io.schemafleet.deploy.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link FleetBenchmark} runs, from system properties ({@code -Dbench.tenants=100,1000}
 * on the Maven command line reaches the test JVM). The largest size of each list is the
 * headline figure; the others make the growth table and plot.
 *
 * @param tenants            schema tenants per convergence run (agent, floor, Flyway)
 * @param revisions          revisions in the chain every tenant goes through
 * @param parallel           tenants at once: the agent's {@code --parallel}, the floor's and Flyway's threads
 * @param coordinatorTenants simulated tenants per projection run
 * @param reportsPerTenant   reports per simulated tenant in a projection run: every tenant's
 *                           row is written that many times, the last time converged
 * @param minReports         reports produced per projection run at least (spread over its tenants)
 * @param publishes          publishes timed for publish → first step
 * @param latencyTenants     schema tenants the agent keeps at head while publishes are timed
 * @param serverTenants      schema tenants per side of the one-connection server-work run
 * @param agentJvm           JVM options of the agent process
 * @param coordinatorJvm     JVM options of the coordinator process
 * @param flywayThreads      thread counts of the Flyway-per-tenant loop (1 = a plain loop)
 * @param sections           which of convergence, latency, projection, server-work to run
 * @param out                where results.md and growth.svg go
 */
record BenchSettings(List<Integer> tenants, int revisions, int parallel, List<Integer> coordinatorTenants,
                     int reportsPerTenant, int minReports, int publishes, int latencyTenants, int serverTenants,
                     String agentJvm,
                     String coordinatorJvm, List<Integer> flywayThreads, Set<String> sections, Path out) {

    static BenchSettings fromSystemProperties() {
        int parallel = Integer.getInteger("bench.parallel", 4);
        return new BenchSettings(
                ints(System.getProperty("bench.tenants", "100,300,1000")),
                Integer.getInteger("bench.revisions", 20),
                parallel,
                ints(System.getProperty("bench.coordinator-tenants", "100,1000,10000,100000")),
                Integer.getInteger("bench.reports-per-tenant", 3),
                Integer.getInteger("bench.min-reports", 20_000),
                Integer.getInteger("bench.publishes", 30),
                Integer.getInteger("bench.latency-tenants", 10),
                Integer.getInteger("bench.server-tenants", 200),
                // As the image (deploy/Dockerfile) and the k8s manifests run the JVM: their memory
                // limits and heap shares, C1 only (deploy/k8s/agent.yaml, coordinator.yaml).
                System.getProperty("bench.agent-jvm", "-XX:MaxRAM=768m -XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1"),
                System.getProperty("bench.coordinator-jvm", "-XX:MaxRAM=640m -XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -XX:+UseParallelGC"),
                ints(System.getProperty("bench.flyway-threads", "1," + parallel)),
                Arrays.stream(System.getProperty("bench.sections", "server-work,convergence,latency,projection").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
                Path.of(System.getProperty("bench.out", "target/bench")));
    }

    private static List<Integer> ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf)
                .sorted().distinct().toList();
    }

    boolean runs(String section) {
        return sections.contains(section);
    }
}
