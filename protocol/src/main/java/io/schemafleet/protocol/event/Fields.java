package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Strict, typed reads from a JSON object, each failure an {@link InvalidEventException}
 * naming the field's path ({@code body.steps[1].direction: …}). Absent and {@code null}
 * are the same; unknown members are ignored.
 */
final class Fields {
    private final JsonNode node;
    private final String path;
    private final Rejection kind;

    private Fields(JsonNode node, String path, Rejection kind) {
        this.node = node;
        this.path = path;
        this.kind = kind;
    }

    /** Reads {@code node}, which must be an object; failures are classified as {@code kind}. */
    static Fields of(JsonNode node, String path, Rejection kind) {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(kind, (path.isEmpty() ? "the value" : path)
                    + " must be a JSON object, got " + describe(node));
        }
        return new Fields(node, path, kind);
    }

    String text(String name) {
        return required(name, optText(name));
    }

    String optText(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw fail(name, "must be a string, got " + describe(v));
        }
        return v.textValue();
    }

    int integer(String name) {
        return required(name, optInteger(name));
    }

    Integer optInteger(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw fail(name, "must be a 32-bit integer, got " + describe(v));
        }
        return v.intValue();
    }

    long longValue(String name) {
        return required(name, optLong(name));
    }

    Long optLong(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw fail(name, "must be a 64-bit integer, got " + describe(v));
        }
        return v.longValue();
    }

    boolean bool(String name) {
        JsonNode v = required(name, value(name));
        if (!v.isBoolean()) {
            throw fail(name, "must be true or false, got " + describe(v));
        }
        return v.booleanValue();
    }

    Instant instant(String name) {
        return required(name, optInstant(name));
    }

    Instant optInstant(String name) {
        String text = optText(name);
        if (text == null) {
            return null;
        }
        try {
            return InstantText.parse(text);
        } catch (DateTimeParseException e) {
            throw fail(name, "must be an ISO-8601 instant like 2024-05-01T12:00:00Z, got " + Checks.shown(text));
        }
    }

    Duration optDuration(String name) {
        String text = optText(name);
        try {
            return text == null ? null : Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw fail(name, "must be an ISO-8601 duration like PT10M, got " + Checks.shown(text));
        }
    }

    /** A value looked up by its stable code; unknown codes fail with {@code what} and the code. */
    <T> T code(String name, String what, Function<String, T> lookup) {
        String text = text(name);
        T found;
        try {
            found = lookup.apply(text);
        } catch (IllegalArgumentException e) {
            found = null;
        }
        if (found == null) {
            throw new InvalidEventException(kind, at(name) + ": unknown " + what + " " + Checks.shown(text));
        }
        return found;
    }

    List<String> textList(String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : array(name)) {
            if (!v.isTextual()) {
                throw fail(name + "[" + out.size() + "]", "must be a string, got " + describe(v));
            }
            out.add(v.textValue());
        }
        return out;
    }

    /** The members of an array of objects; absent means empty. */
    List<Fields> objects(String name) {
        List<Fields> out = new ArrayList<>();
        for (JsonNode v : array(name)) {
            out.add(of(v, at(name + "[" + out.size() + "]"), kind));
        }
        return out;
    }

    Fields optObject(String name) {
        JsonNode v = value(name);
        return v == null ? null : of(v, at(name), kind);
    }

    /** An object of string values; absent means empty. */
    Map<String, String> textMap(String name) {
        Fields map = optObject(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (map != null) {
            map.node.fieldNames().forEachRemaining(key -> out.put(key, map.text(key)));
        }
        return out;
    }

    private Iterable<JsonNode> array(String name) {
        JsonNode v = value(name);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw fail(name, "must be an array, got " + describe(v));
        }
        return v;
    }

    private JsonNode value(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private <T> T required(String name, T value) {
        if (value == null) {
            throw fail(name, "is missing");
        }
        return value;
    }

    private InvalidEventException fail(String name, String problem) {
        return new InvalidEventException(kind, at(name) + " " + problem);
    }

    /** The path of member {@code name}; the root object has the empty path. */
    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nothing";
        }
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "the number " + v.asText();
            case BOOLEAN -> v.asText();
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
