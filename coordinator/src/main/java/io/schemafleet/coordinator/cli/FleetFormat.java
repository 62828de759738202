package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetView;
import io.schemafleet.coordinator.client.WavePlan;
import io.schemafleet.protocol.Durations;
import io.schemafleet.protocol.fleet.TenantState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The text forms of the coordinator's answers: the fleet summary, tenant pages, a tenant's history. */
final class FleetFormat {
    private FleetFormat() {
    }

    /** {@code schemafleet status}: the fleet against its destination, tenants by state and by heads. */
    static List<String> status(FleetView fleet, long poisonRecords, List<String> staleAgents) {
        List<String> lines = new ArrayList<>();
        if (fleet.destination() == null) {
            lines.add(field("destination", "none (no rollout yet)"));
        } else {
            lines.add(field("destination", fleet.destinationText()));
            lines.add(field("rollout", fleet.rollout() + (fleet.rolloutState() == null ? "" : " (" + fleet.rolloutState() + ")")));
        }
        long percent = fleet.reported() == 0 ? 0 : fleet.converged() * 100 / fleet.reported();
        lines.add(field("converged", fleet.converged() + " of " + fleet.reported() + " tenants (" + percent + "%)"
                + (fleet.pinnedElsewhere() == 0 ? "" : "; " + fleet.pinnedElsewhere() + " more held at a pin elsewhere"
                + " (schemafleet pins)")));
        lines.add(field("agents", fleet.agents() + (staleAgents.isEmpty() ? "" : " (" + staleAgents.size()
                + " not heard for over " + STALE_HEARTBEAT.toMinutes() + " min: " + String.join(", ", staleAgents)
                + ")")));
        if (poisonRecords > 0) {
            lines.add(field("poison", poisonRecords + " records skipped"));
        }
        Table states = new Table("STATE", "TENANTS").right(1);
        byState(fleet.byState()).forEach(states::row);
        if (!states.isEmpty()) {
            lines.add("");
            lines.addAll(states.lines());
        }
        Table heads = new Table("HEADS", "TENANTS").right(1);
        new TreeMap<>(fleet.byHeads()).forEach(heads::row);
        if (!heads.isEmpty()) {
            lines.add("");
            lines.addAll(heads.lines());
        }
        return lines;
    }

    /** Counts in {@link TenantState} order, states this build does not know last. */
    private static Map<String, Long> byState(Map<String, Long> counts) {
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (TenantState state : TenantState.values()) {
            if (counts.getOrDefault(state.code(), 0L) > 0) {
                ordered.put(state.code(), counts.get(state.code()));
            }
        }
        new TreeMap<>(counts).forEach((state, n) -> {
            if (n > 0) {
                ordered.putIfAbsent(state, n);
            }
        });
        return ordered;
    }

    /** {@code schemafleet tenants}: one page as a table and a line saying which part of how many. */
    static List<String> tenants(JsonNode page) {
        Table table = new Table("TENANT", "STATE", "HEADS", "DESTINATION", "AGENT", "LAST REPORT", "ERROR");
        for (JsonNode t : page.path("tenants")) {
            table.row(t.path("id").asText(), t.path("state").asText(), heads(t.path("heads")),
                    t.path("destination").asText(null), t.path("agent").asText(null),
                    t.path("last_report_at").asText(null), error(t.path("error")));
        }
        long total = page.path("total").asLong();
        int number = page.path("page").asInt();
        int size = Math.max(1, page.path("size").asInt(1));
        int shown = page.path("tenants").size();
        List<String> lines = new ArrayList<>();
        if (shown > 0) {
            lines.addAll(table.lines());
        }
        long pages = (total + size - 1) / size;
        long from = (long) number * size;
        if (total == 0) {
            lines.add("no tenants");
        } else if (shown == 0) {
            lines.add("no tenants on page " + number + " (" + total + " tenants: pages 0 to " + (pages - 1) + ")");
        } else {
            lines.add("tenants " + (from + 1) + "-" + (from + shown) + " of " + total
                    + (from + shown < total ? " (next: --page " + (number + 1) + ")" : ""));
        }
        return lines;
    }

    /** {@code schemafleet tenant ID}: where the tenant stands, then its events newest first. */
    static List<String> tenant(JsonNode answer) {
        JsonNode t = answer.path("tenant");
        List<String> lines = new ArrayList<>();
        lines.add(field("tenant", t.path("id").asText()));
        lines.add(field("state", t.path("state").asText()));
        lines.add(field("heads", heads(t.path("heads"))));
        lines.add(field("destination", t.path("destination").asText("-")
                + (t.hasNonNull("rollout_id") ? " (rollout " + t.get("rollout_id").asText() + ")" : "")));
        if (t.path("error").isObject()) {
            lines.add(field("error", error(t.path("error"))));
        }
        lines.add(field("agent", t.path("agent").asText("-") + ", attempts " + t.path("attempts").asInt()));
        lines.add(field("last report", t.path("last_report_at").asText("-") + " (sent "
                + t.path("last_seen_at").asText("-") + ")"));
        if (t.hasNonNull("fingerprint")) {
            lines.add(field("fingerprint", t.get("fingerprint").asText()));
        }
        Table history = new Table("AT", "EVENT", "STATE", "HEADS", "STEPS", "ERROR");
        for (JsonNode e : answer.path("history")) {
            history.row(e.path("at").asText(), e.path("type").asText(), e.path("state").asText(null),
                    e.hasNonNull("heads") ? heads(e.get("heads")) : null, steps(e.path("steps")), error(e.path("error")));
        }
        lines.add("");
        if (history.isEmpty()) {
            lines.add("no events");
        } else {
            lines.addAll(history.lines());
        }
        return lines;
    }

    /** {@code  wave canary: tier=canary, bucket < 10%, soak 2m, max failures 0, parallelism 5}. */
    static String wave(WavePlan wave) {
        List<String> parts = selects(wave.labels(), wave.bucketPercent());
        if (wave.soak() != null) {
            parts.add("soak " + Durations.format(wave.soak()));
        }
        if (wave.maxFailures() != null) {
            parts.add("max failures " + wave.maxFailures());
        }
        if (wave.maxFailuresPercent() != null) {
            parts.add("max failures " + wave.maxFailuresPercent() + "%");
        }
        if (wave.parallelism() != null) {
            parts.add("parallelism " + wave.parallelism());
        }
        return "  wave " + wave.name() + ": " + String.join(", ", parts);
    }

    /** {@code 9a2355b7dd59 42P07 relation "x" already exists}; null without an error. */
    static String error(JsonNode error) {
        if (!error.isObject()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (error.hasNonNull("revision")) {
            text.append(error.get("revision").asText()).append(' ');
        }
        if (error.hasNonNull("sqlstate")) {
            text.append(error.get("sqlstate").asText()).append(' ');
        }
        text.append(error.path("message").asText(error.path("code").asText()));
        return text.toString().replace('\n', ' ');
    }

    /** Steps listed one by one up to this many; more are summed up in one cell (--json has them all). */
    static final int STEPS_LISTED = 2;

    /**
     * A report's steps: {@code upgrade 122b81ebc3d7 12 ms, upgrade 2d12193b6184 9 ms}, or for
     * more than {@link #STEPS_LISTED} {@code 20 upgrades 122b81ebc3d7 … c8626eb4ecaa, 412 ms}
     * (a tenant's quick steps share a report, and twenty of them would make the column as wide).
     */
    static String steps(JsonNode steps) {
        if (steps.size() > STEPS_LISTED) {
            Set<String> directions = new LinkedHashSet<>();
            long millis = 0;
            for (JsonNode s : steps) {
                directions.add(s.path("direction").asText());
                millis += s.path("duration_ms").asLong(0);
            }
            String kind = directions.size() == 1 ? directions.iterator().next() + "s" : "steps ("
                    + String.join(", ", directions) + ")";
            return steps.size() + " " + kind + " " + steps.get(0).path("revision").asText() + " … "
                    + steps.get(steps.size() - 1).path("revision").asText() + ", " + millis + " ms";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode s : steps) {
            parts.add(s.path("direction").asText() + " " + s.path("revision").asText()
                    + (s.hasNonNull("duration_ms") ? " " + s.get("duration_ms").asLong() + " ms" : ""));
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static String heads(JsonNode heads) {
        String text = heads.isArray() ? String.join(",", toList(heads)) : heads.asText();
        return text.isEmpty() ? "base" : text;
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** {@code schemafleet rollout show}: one rollout, then its waves with where their tenants stand. */
    static List<String> rollout(JsonNode r) {
        List<String> lines = new ArrayList<>();
        lines.add(field("rollout", r.path("rollout_id").asText() + " (" + r.path("state").asText() + ")"));
        lines.add(field("to", r.path("to").asText()));
        lines.add(field("started", r.path("started_at").asText()));
        if (r.hasNonNull("supersedes")) {
            lines.add(field("after", r.get("supersedes").asText()));
        }
        if (r.hasNonNull("halt_reason")) {
            lines.add(field("halted", r.get("halt_reason").asText()));
        }
        Table waves = new Table("WAVE", "SELECTS", "STATE", "TENANTS", "CONVERGED", "FAILED", "APPLYING", "PENDING")
                .right(3).right(4).right(5).right(6).right(7);
        for (JsonNode w : r.path("waves")) {
            Map<String, String> labels = new LinkedHashMap<>();
            w.path("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
            Integer bucket = w.hasNonNull("bucket_percent") ? w.get("bucket_percent").asInt() : null;
            waves.row(w.path("name").asText(), String.join(",", selects(labels, bucket)),
                    w.path("state").asText(), w.path("tenants").asLong(), w.path("converged").asLong(),
                    w.path("failed").asLong(), w.path("applying").asLong(), w.path("pending").asLong());
        }
        lines.add("");
        lines.addAll(waves.lines());
        return lines;
    }

    /** What a wave selects on: its labels, {@code bucket < N%}, or {@code every tenant}. */
    private static List<String> selects(Map<String, String> labels, Integer bucketPercent) {
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        if (bucketPercent != null) {
            parts.add("bucket < " + bucketPercent + "%");
        }
        if (parts.isEmpty()) {
            parts.add("every tenant");
        }
        return parts;
    }

    /** {@code schemafleet rollout list}: the rollouts, newest first. */
    static List<String> rollouts(JsonNode list) {
        Table table = new Table("ROLLOUT", "TO", "STATE", "STARTED", "WAVES");
        for (JsonNode r : list) {
            table.row(r.path("rollout_id").asText(), r.path("to").asText(), r.path("state").asText(),
                    r.path("started_at").asText(), r.path("waves").size());
        }
        return table.isEmpty() ? List.of("no rollout was ever started") : table.lines();
    }

    /** {@code schemafleet pins}: tenant and destination, by tenant. */
    static List<String> pins(JsonNode answer) {
        Map<String, String> pins = new TreeMap<>();
        answer.fields().forEachRemaining(e -> pins.put(e.getKey(), e.getValue().asText()));
        Table table = new Table("TENANT", "PINNED AT");
        pins.forEach(table::row);
        return table.isEmpty() ? List.of("no tenant is pinned") : table.lines();
    }

    /** An agent is marked stale when its newest heartbeat is older than this (as on the dashboard). */
    static final Duration STALE_HEARTBEAT = Duration.ofMinutes(1);

    /**
     * {@code schemafleet agents}: one row an agent, how long ago its newest heartbeat was heard
     * ({@code heard_at}, the broker's time) against {@code now}, then a line for each agent
     * that refused events.
     */
    static List<String> agents(JsonNode answer, Instant now) {
        Table table = new Table("AGENT", "TENANTS", "HEARD", "STARTED", "VERSION", "REFUSED").right(1).right(5);
        List<String> refusals = new ArrayList<>();
        for (JsonNode a : answer.path("agents")) {
            String heard = heard(a);
            table.row(a.path("id").asText(), a.path("tenants").asLong(), heard == null ? null : ago(heard, now),
                    a.path("started_at").asText(null), a.path("version").asText(null), a.path("refused_events").asLong());
            if (a.path("refused_events").asLong() > 0) {
                refusals.add(a.path("id").asText() + " refused " + a.path("refused_events").asLong()
                        + " events; the latest: " + a.path("last_refusal").asText("-"));
            }
        }
        if (table.isEmpty()) {
            return List.of("no agent has sent a heartbeat yet");
        }
        List<String> lines = new ArrayList<>(table.lines());
        if (!refusals.isEmpty()) {
            lines.add("");
            lines.addAll(refusals);
        }
        return lines;
    }

    /** The ids of the agents whose newest heartbeat is older than {@link #STALE_HEARTBEAT}. */
    static List<String> staleAgents(JsonNode answer, Instant now) {
        List<String> stale = new ArrayList<>();
        for (JsonNode a : answer.path("agents")) {
            String heard = heard(a);
            if (heard != null && stale(age(heard, now))) {
                stale.add(a.path("id").asText());
            }
        }
        return stale;
    }

    /** {@code 4s ago}, {@code 3m ago (stale)}: from a time to {@code now}, in the largest whole unit. */
    private static String ago(String time, Instant now) {
        Duration age = age(time, now);
        long s = age.toSeconds();
        String text = s < 120 ? s + "s" : s < 7_200 ? s / 60 + "m" : s < 172_800 ? s / 3_600 + "h" : s / 86_400 + "d";
        return text + " ago" + (stale(age) ? " (stale)" : "");
    }

    /** When the broker took the agent's newest heartbeat (its own time, where older coordinators do not say). */
    private static String heard(JsonNode agent) {
        return agent.path("heard_at").asText(agent.path("last_heartbeat_at").asText(null));
    }

    private static boolean stale(Duration age) {
        return age.compareTo(STALE_HEARTBEAT) > 0;
    }

    private static Duration age(String time, Instant now) {
        Duration age = Duration.between(Instant.parse(time), now);
        return age.isNegative() ? Duration.ZERO : age; // a clock a little ahead of this machine's
    }

    private static String field(String name, String value) {
        return String.format(Locale.ROOT, "%-12s %s", name, value);
    }
}
