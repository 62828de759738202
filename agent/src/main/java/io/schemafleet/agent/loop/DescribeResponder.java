package io.schemafleet.agent.loop;

import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.fingerprint.Fingerprint;
import io.schemafleet.agent.fingerprint.SchemaFingerprint;
import io.schemafleet.agent.tenant.Tenant;
import io.schemafleet.agent.tenant.TenantSource;
import io.schemafleet.protocol.event.DescribeRequested;
import io.schemafleet.protocol.event.TenantDescribed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers {@link DescribeRequested} for the tenants this agent owns: reads each one's
 * normalized schema description (the text its fingerprint hashes) and publishes it. On
 * its own thread, so that an operator's diff does not wait for a reconcile pass.
 */
final class DescribeResponder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DescribeResponder.class);
    private static final String TRUNCATED = "\n… truncated: the description is longer than "
            + TenantDescribed.MAX_DESCRIPTION + " characters\n";

    private final TenantSource source;
    private final Databases databases;
    private final ReportPublisher publisher;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "schemafleet-agent-describe");
        t.setDaemon(true);
        return t;
    });

    DescribeResponder(TenantSource source, Databases databases, ReportPublisher publisher) {
        this.source = source;
        this.databases = databases;
        this.publisher = publisher;
    }

    void answer(List<DescribeRequested> requests) {
        try {
            executor.submit(() -> requests.forEach(this::answer));
        } catch (RejectedExecutionException e) {
            LOG.debug("agent stopping; describe requests dropped");
        }
    }

    private void answer(DescribeRequested request) {
        Map<String, Tenant> mine;
        try {
            mine = source.discover().tenants().stream().collect(Collectors.toMap(Tenant::id, Function.identity()));
        } catch (RuntimeException e) {
            LOG.warn("cannot answer describe request {}: tenant discovery failed: {}", request.requestId(), e.toString());
            return;
        }
        for (String id : request.tenants()) {
            Tenant tenant = mine.get(id);
            if (tenant == null) {
                continue; // another agent's tenant
            }
            try (Connection c = databases.open(tenant.jdbcUrl())) {
                Fingerprint f = SchemaFingerprint.of(c, tenant.schema());
                publisher.described(request.requestId(), id, f.sha256(), shortened(f.description()));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("cannot describe tenant {} for request {}: {}", id, request.requestId(), e.toString());
            }
        }
    }

    private static String shortened(String description) {
        if (description.length() <= TenantDescribed.MAX_DESCRIPTION) {
            return description;
        }
        return description.substring(0, TenantDescribed.MAX_DESCRIPTION - TRUNCATED.length()) + TRUNCATED;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
