package io.schemafleet.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.agent.apply.StepRecord;
import io.schemafleet.agent.apply.TenantResult;
import io.schemafleet.protocol.fleet.TenantState;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The end-of-run summary: counts by state and every tenant that did not converge, or JSON. */
final class ResultsReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsReport() {
    }

    static void table(PrintWriter out, List<TenantResult> results) {
        Map<TenantState, Integer> counts = new EnumMap<>(TenantState.class);
        results.forEach(r -> counts.merge(r.state(), 1, Integer::sum));
        out.printf("%-12s %8s%n", "state", "tenants");
        counts.forEach((state, n) -> out.printf("%-12s %8d%n", state.code(), n));
        List<TenantResult> problems = results.stream().filter(r -> !r.converged()).toList();
        if (!problems.isEmpty()) {
            out.println();
            out.printf("%-24s %-12s %-14s %-8s %s%n", "tenant", "state", "revision", "sqlstate", "error");
            for (TenantResult r : problems) {
                var e = r.error();
                out.printf("%-24s %-12s %-14s %-8s %s%n", r.tenant(), r.state().code(),
                        e == null || e.revision() == null ? "-" : e.revision(),
                        e == null || e.sqlState() == null ? "-" : e.sqlState(),
                        e == null ? "" : e.message());
            }
        }
        out.flush();
    }

    static void json(PrintWriter out, List<TenantResult> results) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        for (TenantResult r : results) {
            ObjectNode node = array.addObject();
            node.put("tenant", r.tenant());
            node.put("state", r.state().code());
            node.put("destination", r.destination());
            ArrayNode heads = node.putArray("heads");
            r.heads().forEach(heads::add);
            ArrayNode steps = node.putArray("steps");
            for (StepRecord s : r.steps()) {
                steps.addObject().put("revision", s.revision()).put("direction", s.direction())
                        .put("duration_ms", s.durationMillis());
            }
            if (r.error() != null) {
                node.putObject("error").put("code", r.error().code()).put("revision", r.error().revision())
                        .put("sqlstate", r.error().sqlState()).put("message", r.error().message());
            } else {
                node.putNull("error");
            }
            node.put("fingerprint", r.fingerprint());
            node.put("attempts", r.attempts());
            node.put("duration_ms", r.durationMillis());
        }
        out.println(JSON.writeValueAsString(array));
        out.flush();
    }
}
