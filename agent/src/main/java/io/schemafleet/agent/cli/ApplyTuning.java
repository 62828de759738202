package io.schemafleet.agent.cli;

import io.schemafleet.agent.apply.ApplyOptions;
import io.schemafleet.agent.store.VersionLayout;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How steps are applied: parallelism, the per-server cap, timeouts and retries (shared by apply and agent). */
public final class ApplyTuning {
    @Option(names = "--parallel", defaultValue = "${env:SCHEMAFLEET_PARALLEL:-4}",
            description = "Tenants worked on at once (default: ${DEFAULT-VALUE}; $SCHEMAFLEET_PARALLEL).")
    int parallel;

    @Option(names = "--ddl-per-server", defaultValue = "${env:SCHEMAFLEET_DDL_PER_SERVER}", description = "At most this many steps at once per database server (default: --parallel).")
    Integer ddlPerServer;

    @Option(names = "--lock-timeout", defaultValue = "${env:SCHEMAFLEET_LOCK_TIMEOUT:-5s}",
            converter = DurationConverter.class, description = "lock_timeout for each step (default: ${DEFAULT-VALUE}).")
    Duration lockTimeout;

    @Option(names = "--statement-timeout", defaultValue = "${env:SCHEMAFLEET_STATEMENT_TIMEOUT:-15m}",
            converter = DurationConverter.class, description = "statement_timeout for each step (default: ${DEFAULT-VALUE}).")
    Duration statementTimeout;

    @Option(names = "--retries", defaultValue = "${env:SCHEMAFLEET_RETRIES:-5}",
            description = "Tries per tenant for transient errors (default: ${DEFAULT-VALUE}).")
    int retries;

    int ddlPerServer() {
        return ddlPerServer != null ? ddlPerServer : parallel;
    }

    ApplyOptions options(String agentId, VersionLayout layout) {
        return ApplyOptions.defaults(agentId).withLayout(layout).withTimeouts(lockTimeout, statementTimeout)
                .withRetries(retries, Duration.ofMillis(200), Duration.ofSeconds(10));
    }
}
