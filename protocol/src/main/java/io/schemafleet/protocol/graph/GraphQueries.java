package io.schemafleet.protocol.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers questions about a revision graph in the JSON shapes the CLI prints with
 * {@code --json} and reads with {@code plan --batch}:
 * <ul>
 *   <li>{@code {"op":"heads"}} → array of ids;</li>
 *   <li>{@code {"op":"resolve","symbol":S}} → array of ids ({@code null} where a walk ran past base);</li>
 *   <li>{@code {"op":"history"[,"range":"A:B"]}} → array of
 *       {@code {revision, down_revisions, branch_labels, depends_on, message}}, newest first;</li>
 *   <li>{@code {"op":"upgrade"|"downgrade"|"stamp","to":D,"from":[…]}} →
 *       {@code {"steps":[{"revision","direction"}…],"heads_after":[…]}};</li>
 *   <li>any failure → {@code {"error":{"type":<Alembic class name>,"message":…}}}.</li>
 * </ul>
 */
public final class GraphQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RevisionGraph graph;
    private final MigrationPlanner planner;

    public GraphQueries(RevisionGraph graph) {
        this.graph = graph;
        this.planner = new MigrationPlanner(graph);
    }

    /** The answer to one question; a graph error becomes an {@code error} object. */
    public JsonNode answer(JsonNode question) {
        try {
            return answerOrThrow(question);
        } catch (RevisionGraphException e) {
            return error(e);
        }
    }

    /** The answer, or the exception a bad question or destination raises. */
    public JsonNode answerOrThrow(JsonNode question) {
        String op = question.path("op").asText("");
        return switch (op) {
            case "heads" -> strings(graph.heads());
            case "resolve" -> resolve(requiredText(question, "symbol"));
            case "history" -> history(planner.history(question.hasNonNull("range")
                    ? question.get("range").asText() : null));
            case "upgrade" -> plan(planner.upgrade(requiredText(question, "to"), from(question)));
            case "downgrade" -> plan(planner.downgrade(requiredText(question, "to"), from(question)));
            case "stamp" -> plan(planner.stamp(requiredText(question, "to"), from(question)));
            default -> throw new IllegalArgumentException("unknown op '" + op
                    + "': expected heads, resolve, history, upgrade, downgrade or stamp");
        };
    }

    public static ObjectNode error(RevisionGraphException e) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("type", e.kind().code()).put("message", e.getMessage());
        return error;
    }

    public static ArrayNode strings(List<String> ids) {
        ArrayNode out = JSON.createArrayNode();
        ids.forEach(out::add);
        return out;
    }

    public static ObjectNode plan(Plan plan) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode steps = out.putArray("steps");
        for (Step step : plan.steps()) {
            steps.addObject().put("revision", step.revision().id()).put("direction", step.direction().code());
        }
        out.set("heads_after", strings(plan.headsAfter()));
        return out;
    }

    public static ArrayNode history(List<Revision> revisions) {
        ArrayNode out = JSON.createArrayNode();
        for (Revision r : revisions) {
            ObjectNode entry = out.addObject();
            entry.put("revision", r.id());
            entry.set("down_revisions", strings(r.downRevisions()));
            entry.set("branch_labels", strings(r.branchLabels()));
            entry.set("depends_on", strings(r.dependsOn()));
            entry.put("message", r.message());
        }
        return out;
    }

    private ArrayNode resolve(String symbol) {
        ArrayNode out = JSON.createArrayNode();
        for (Optional<String> id : graph.resolve(symbol)) {
            if (id.isPresent()) {
                out.add(id.get());
            } else {
                out.addNull();
            }
        }
        return out;
    }

    private static List<String> from(JsonNode question) {
        JsonNode rows = question.get("from");
        List<String> from = new ArrayList<>();
        if (rows == null || rows.isNull()) {
            return from;
        }
        if (!rows.isArray()) {
            throw new IllegalArgumentException("'from' must be an array of revision ids, got " + rows);
        }
        for (JsonNode row : rows) {
            if (!row.isTextual()) {
                throw new IllegalArgumentException("'from' entries must be strings, got " + row);
            }
            from.add(row.asText());
        }
        return from;
    }

    private static String requiredText(JsonNode question, String field) {
        JsonNode value = question.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("question " + question + " needs a string '" + field + "'");
        }
        return value.asText();
    }
}
