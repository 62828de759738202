package io.schemafleet.agent.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.schemafleet.agent.apply.StepRecord;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.metrics.MetricConventions;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * One agent's Prometheus metrics ({@code GET /metrics} on the health port;
 * docs/metrics.md), every series tagged {@code agent=<id>}. Micrometer's Prometheus
 * registry as a plain library: the agent has no framework to host it.
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Each tenant's last known state; tenants no longer discovered are dropped. */
    private final Map<String, TenantState> states = new ConcurrentHashMap<>();
    private final Counter passes;

    AgentMetrics(String agentId, LogFollower follower, ReportPublisher publisher) {
        registry.config().commonTags("agent", agentId);
        for (TenantState state : TenantState.values()) {
            Gauge.builder("schemafleet.agent.tenants", states, s -> count(s.values(), state))
                    .description("This agent's tenants by state, as last reconciled").tag("state", state.code())
                    .register(registry);
        }
        FunctionCounter.builder("schemafleet.agent.poison.records", follower, LogFollower::poisonRecords)
                .description("Records of the log this agent skipped as not valid events").register(registry);
        Gauge.builder("schemafleet.agent.consumer.lag", follower, (ToDoubleFunction<LogFollower>) LogFollower::lag)
                .description("Records of the revisions and rollouts topics this agent has not read yet")
                .baseUnit("records").register(registry);
        Gauge.builder("schemafleet.agent.reports.undelivered", publisher, ReportPublisher::undeliveredReports)
                .description("Tenant reports kept to be sent again once the broker takes records: those the"
                        + " Kafka producer gave up on and those made after, until a record got through")
                .register(registry);
        FunctionCounter.builder("schemafleet.agent.reports.resent", publisher, ReportPublisher::resentReports)
                .description("Tenant reports handed to the Kafka producer again after it gave up on them")
                .register(registry);
        passes = Counter.builder("schemafleet.agent.reconcile.passes")
                .description("Reconcile passes over this agent's tenants").register(registry);
    }

    /** The registry, for meters other parts of the agent add. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    void passStarted(Collection<String> tenants) {
        passes.increment();
        states.keySet().retainAll(new HashSet<>(tenants));
    }

    void stepApplied(String tenant, StepRecord step) {
        states.put(tenant, TenantState.APPLYING);
        Timer.builder("schemafleet.agent.step.duration").description("Duration of the steps this agent committed")
                .tag("revision", step.revision()).tag("direction", step.direction())
                .serviceLevelObjectives(MetricConventions.stepBuckets()).register(registry)
                .record(Duration.ofMillis(step.durationMillis()));
    }

    void result(TenantResult result) {
        states.put(result.tenant(), result.state());
        if (result.state() == TenantState.FAILED) {
            Counter.builder("schemafleet.agent.step.failures")
                    .description("Tenant reconciles that ended with a failed step, by SQLSTATE class")
                    .tag("sqlstate_class", MetricConventions.sqlstateClass(
                            result.error() == null ? null : result.error().sqlState()))
                    .register(registry).increment();
        }
    }

    private static double count(Collection<TenantState> states, TenantState state) {
        return states.stream().filter(s -> s == state).count();
    }
}
