package io.schemafleet.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.agent.db.Databases;
import io.schemafleet.agent.db.DbCredentials;
import io.schemafleet.agent.store.HistoryRow;
import io.schemafleet.agent.store.TenantSnapshot;
import io.schemafleet.agent.store.TenantStore;
import io.schemafleet.agent.tenant.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code schemafleet current}: each tenant's version-table rows and whether it is dirty. */
@Command(name = "current", mixinStandardHelpOptions = true, description = "Show each tenant's current heads and state (clean, dirty, no version table).")
public final class CurrentCommand implements Callable<Integer> {
    @Mixin
    TenantSelection selection;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One tenant's standing. */
    record Standing(String tenant, List<String> heads, String state, String detail, String lastStep) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        try (Databases pools = new Databases(DbCredentials.fromEnvironment(), 2)) {
            List<Tenant> tenants = selection.resolve(pools, spec.commandLine().getErr());
            if (!json) {
                out.printf("%-24s %-10s %-40s %s%n", "tenant", "state", "heads", "last step");
            }
            for (Tenant tenant : tenants) {
                Standing s = standing(pools, tenant);
                if (json) {
                    ObjectNode node = array.addObject().put("tenant", s.tenant()).put("state", s.state());
                    ArrayNode heads = node.putArray("heads");
                    s.heads().forEach(heads::add);
                    node.put("detail", s.detail()).put("last_step", s.lastStep());
                } else {
                    out.printf("%-24s %-10s %-40s %s%n", s.tenant(), s.state(),
                            s.heads().isEmpty() ? "(empty)" : String.join(",", s.heads()),
                            s.lastStep() == null ? "-" : s.lastStep());
                    if (s.detail() != null) {
                        out.printf("  %s%n", s.detail());
                    }
                }
            }
        }
        if (json) {
            out.println(mapper.writeValueAsString(array));
        }
        out.flush();
        return 0;
    }

    private Standing standing(Databases pools, Tenant tenant) {
        TenantStore store = new TenantStore(tenant, selection.layout());
        try (Connection c = pools.open(tenant.jdbcUrl())) {
            TenantSnapshot snapshot = store.snapshot(c);
            List<HistoryRow> history = store.history(c);
            String last = history.isEmpty() ? null : describe(history.get(history.size() - 1));
            List<String> heads = snapshot.rows().stream().sorted().toList();
            if (snapshot.pending().isPresent()) {
                var p = snapshot.pending().get();
                String step = "non-transactional " + p.direction() + " of " + p.revision() + " since " + p.startedAt()
                        + " (" + p.agent() + ")";
                // An agent at work on the step holds the tenant's lock; a step nobody works on is dirt,
                // and so is one whose failure is noted, whoever holds the lock a moment.
                return !p.failedPartway() && store.lockedElsewhere(c)
                        ? new Standing(tenant.id(), heads, "applying", step + " running now", last)
                        : new Standing(tenant.id(), heads, "dirty", step + " " + p.what(), last);
            }
            return new Standing(tenant.id(), heads, "clean", null, last);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return new Standing(tenant.id(), List.of(), "new", "no Schemafleet tables yet", null);
            }
            return new Standing(tenant.id(), List.of(), "unreachable", e.getSQLState() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), null);
        }
    }

    private static String describe(HistoryRow row) {
        return row.direction() + " " + row.revision() + " " + row.outcome().code() + " at " + row.startedAt();
    }
}
