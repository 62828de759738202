package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.protocol.event.InvalidEventException;
import io.schemafleet.protocol.event.Wave;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code waves} of a rollout request, read leniently for people and scripts:
 * {@code soak} as ISO-8601 ({@code PT2M}) or short ({@code 90s}, {@code 2m}, {@code 1h});
 * {@code max_failures} as a count or a percentage string ({@code "10%"});
 * {@code bucket_percent} as a number or {@code "10%"}; a missing {@code name} is {@code wave-N}.
 */
final class WaveRequests {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+)%");

    private WaveRequests() {
    }

    /** The fields a rollout request may have. */
    static final Set<String> ROLLOUT_FIELDS = Set.of("to", "waves", "supersede");
    /** The fields a wave may have. */
    static final Set<String> WAVE_FIELDS = Set.of("name", "labels", "bucket_percent", "soak", "max_failures",
            "max_failures_percent", "parallelism");

    /**
     * Refuses a field this endpoint does not know: a misspelt {@code "wave"} must not turn a
     * staged rollout into one of the whole fleet.
     */
    static void onlyFields(JsonNode object, Set<String> known, String where) {
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw invalid(where + " has an unknown field '" + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        });
    }

    static List<Wave> parse(JsonNode waves) {
        if (waves == null || waves.isNull()) {
            return List.of();
        }
        if (!waves.isArray()) {
            throw invalid("'waves' must be an array of waves");
        }
        List<Wave> out = new ArrayList<>();
        for (JsonNode w : waves) {
            String where = "waves[" + out.size() + "]";
            if (!w.isObject()) {
                throw invalid(where + " must be an object");
            }
            onlyFields(w, WAVE_FIELDS, where);
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode l = w.get("labels");
            if (l != null && !l.isNull()) {
                if (!l.isObject()) {
                    throw invalid(where + ".labels must be an object of strings");
                }
                l.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        throw invalid(where + ".labels." + e.getKey() + " must be a string");
                    }
                    labels.put(e.getKey(), e.getValue().asText());
                });
            }
            Integer maxFailures = null;
            Integer maxFailuresPercent = integer(w.get("max_failures_percent"), where + ".max_failures_percent");
            JsonNode mf = w.get("max_failures");
            if (mf != null && mf.isTextual() && mf.asText().endsWith("%")) {
                maxFailuresPercent = percent(mf.asText(), where + ".max_failures");
            } else {
                maxFailures = integer(mf, where + ".max_failures");
            }
            JsonNode bp = w.get("bucket_percent");
            Integer bucket = bp != null && bp.isTextual() ? percent(bp.asText(), where + ".bucket_percent")
                    : integer(bp, where + ".bucket_percent");
            String name = w.path("name").isTextual() ? w.get("name").asText() : "wave-" + (out.size() + 1);
            try {
                out.add(new Wave(name, labels, bucket, duration(w.get("soak"), where + ".soak"), maxFailures,
                        integer(w.get("parallelism"), where + ".parallelism"), maxFailuresPercent));
            } catch (InvalidEventException e) {
                throw invalid(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static Integer integer(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw invalid(where + " must be a whole number, got " + v);
        }
        return v.intValue();
    }

    private static Integer percent(String text, String where) {
        Matcher m = PERCENT.matcher(text.strip());
        if (!m.matches()) {
            throw invalid(where + " must be a number or a percentage like \"10%\", got '" + text + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    private static Duration duration(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        String text = v.asText().strip();
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(where + " must be a duration like \"2m\", \"30s\" or \"PT2M\", got '" + text + "'");
        }
    }

    private static RequestRefused invalid(String message) {
        return new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", message);
    }
}
