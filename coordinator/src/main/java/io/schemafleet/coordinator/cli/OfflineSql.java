package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.graph.Plan;
import io.schemafleet.protocol.graph.Step;
import io.schemafleet.protocol.graph.VersionTableChange;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a plan as one SQL script a DBA can read and run with psql: each step's SQL
 * and its version-table statements, a transaction per transactional step.
 */
final class OfflineSql {
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    private final String table;

    OfflineSql(String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new CliFailure("CommandError", "version table name '" + table
                    + "' must be a lower-case identifier, optionally schema-qualified");
        }
        this.table = table;
    }

    String render(String op, String destination, List<String> from, Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("-- Schemafleet offline SQL: ").append(op).append(' ').append(destination)
                .append(" from ").append(from.isEmpty() ? "an empty version table" : String.join(", ", from))
                .append("\n-- ").append(plan.steps().size()).append(" step(s); version table afterwards: ")
                .append(plan.headsAfter().isEmpty() ? "(empty)" : String.join(", ", plan.headsAfter()))
                .append("\n\n");
        if (from.isEmpty() && !plan.steps().isEmpty()) {
            out.append("CREATE TABLE IF NOT EXISTS ").append(table)
                    .append(" (version_num varchar(64) NOT NULL PRIMARY KEY);\n\n");
        }
        for (Step step : plan.steps()) {
            boolean tx = step.revision().transactional();
            out.append("-- Running ").append(step.direction().code()).append(' ').append(step.revision().id());
            if (!step.revision().message().isEmpty()) {
                out.append(", ").append(step.revision().message());
            }
            out.append(tx ? "\n" : " (non-transactional)\n");
            if (tx) {
                out.append("BEGIN;\n");
            }
            String sql = step.sql().strip();
            if (!sql.isEmpty()) {
                out.append(sql).append('\n');
            }
            for (VersionTableChange change : step.versionChanges()) {
                out.append(statement(change)).append('\n');
            }
            if (tx) {
                out.append("COMMIT;\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String statement(VersionTableChange change) {
        if (change instanceof VersionTableChange.Insert i) {
            return "INSERT INTO " + table + " (version_num) VALUES (" + literal(i.version()) + ");";
        }
        if (change instanceof VersionTableChange.Delete d) {
            return "DELETE FROM " + table + " WHERE version_num = " + literal(d.version()) + ";";
        }
        VersionTableChange.Update u = (VersionTableChange.Update) change;
        return "UPDATE " + table + " SET version_num = " + literal(u.to())
                + " WHERE version_num = " + literal(u.from()) + ";";
    }

    private static String literal(String id) {
        return "'" + id.replace("'", "''") + "'";
    }
}
