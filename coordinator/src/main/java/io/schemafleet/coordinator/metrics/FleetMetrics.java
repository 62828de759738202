package io.schemafleet.coordinator.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.TransactionOperations;
import io.schemafleet.coordinator.api.FleetController;
import io.schemafleet.coordinator.projection.Projection;
import io.schemafleet.protocol.fleet.TenantState;
import io.schemafleet.protocol.metrics.MetricConventions;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet as Prometheus sees it. Gauges are computed from the projection's tables when
 * Prometheus scrapes (at most once per {@link #CACHE}, so several scrapers or a dashboard
 * refreshing cost one set of queries), which keeps them right after a restart or a
 * rebuild without any state of their own.
 */
@Context
@Requires(beans = PrometheusMeterRegistry.class)
public class FleetMetrics implements MultiCollector {
    /** How long one reading of the tables serves scrapes. */
    static final Duration CACHE = Duration.ofSeconds(2);

    private final FleetController fleet;
    private final Projection projection;
    private final TransactionOperations<Connection> tx;
    private final Object lock = new Object();
    private MetricSnapshots cached;
    private long cachedAt;

    public FleetMetrics(FleetController fleet, Projection projection, TransactionOperations<Connection> tx,
                        PrometheusMeterRegistry prometheus) {
        this.fleet = fleet;
        this.projection = projection;
        this.tx = tx;
        prometheus.getPrometheusRegistry().register(this);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("schemafleet_tenants", "schemafleet_tenants_behind_destination", "schemafleet_tenants_failed",
                "schemafleet_projection_poison_records", "schemafleet_projection_lag_records",
                "schemafleet_agent_heartbeat_age_seconds");
    }

    @Override
    public MetricSnapshots collect() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (cached == null || now - cachedAt > CACHE.toNanos()) {
                cached = read();
                cachedAt = now;
            }
            return cached;
        }
    }

    private MetricSnapshots read() {
        FleetController.FleetStatus status = fleet.fleet();
        List<MetricSnapshot> out = new ArrayList<>();
        Map<String, Double> byState = new LinkedHashMap<>();
        for (TenantState state : TenantState.values()) {
            byState.put(state.code(), status.byState().getOrDefault(state.code(), 0L).doubleValue());
        }
        out.add(gauge("schemafleet_tenants", "Tenants by state, as last reported", "state", byState));
        out.add(gauge("schemafleet_tenants_behind_destination",
                "Tenants not converged at the fleet's destination, those held elsewhere by a pin left out (0 before"
                        + " any rollout)",
                status.destination() == null ? 0 : status.tenants() - status.converged() - status.pinnedElsewhere()));
        out.add(gauge("schemafleet_tenants_failed", "Failed tenants by SQLSTATE class (first two characters;"
                + " none: the failure had no SQLSTATE)", "sqlstate_class", byClass(query(
                "SELECT error_sqlstate, count(*) FROM tenants WHERE state = 'failed' GROUP BY 1"))));
        out.add(gauge("schemafleet_projection_poison_records", "Records the projection skipped as poison",
                status.poisonRecords()));
        Map<String, Double> lag = new LinkedHashMap<>();
        projection.lag().forEach((topic, n) -> lag.put(topic, n.doubleValue()));
        out.add(gauge("schemafleet_projection_lag_records", "Records in the log the projection has not applied yet",
                "topic", lag));
        Instant now = Instant.now();
        Map<String, Double> ages = new LinkedHashMap<>();
        tx.executeRead(s -> {
            try (PreparedStatement q = s.getConnection().prepareStatement("SELECT id, heard_at FROM agents");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Instant at = rs.getObject(2, OffsetDateTime.class).toInstant();
                    ages.put(rs.getString(1), Math.max(0, Duration.between(at, now).toMillis() / 1000.0));
                }
            }
            return null;
        });
        out.add(gauge("schemafleet_agent_heartbeat_age_seconds", "Seconds since each agent's last heartbeat reached the broker",
                "agent", ages));
        return new MetricSnapshots(out);
    }

    private Map<String, Long> query(String sql) {
        return tx.executeRead(s -> {
            Map<String, Long> rows = new LinkedHashMap<>();
            try (PreparedStatement q = s.getConnection().prepareStatement(sql); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
            return rows;
        });
    }

    /** Counts per SQLSTATE, summed per class ({@link MetricConventions#sqlstateClass}). */
    private static Map<String, Double> byClass(Map<String, Long> bySqlstate) {
        Map<String, Double> out = new java.util.TreeMap<>();
        bySqlstate.forEach((k, v) -> out.merge(MetricConventions.sqlstateClass(k), v.doubleValue(), Double::sum));
        return out;
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, String label, Map<String, Double> values) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        values.forEach((k, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v)
                .labels(Labels.of(label, k)).build()));
        return b.build();
    }
}
