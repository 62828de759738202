package io.schemafleet.coordinator.projection;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * How a tenant's heads are stored and shown: sorted ids joined with {@code ,}; the empty
 * string in the tables and {@value #NONE} in the API when nothing is applied (Alembic's
 * name for an empty version table).
 */
public final class Heads {
    /** The API's name for "no revision applied". */
    public static final String NONE = "base";

    private Heads() {
    }

    /** The stored form of a set of heads. */
    public static String key(Collection<String> heads) {
        return String.join(",", heads.stream().sorted().distinct().toList());
    }

    /** The stored form of what an API caller wrote: {@code base}, or ids separated by commas in any order. */
    public static String parse(String shown) {
        if (shown == null || shown.isBlank() || shown.equals(NONE)) {
            return "";
        }
        return key(Arrays.stream(shown.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    /** The API form of a stored key. */
    public static String show(String key) {
        return key.isEmpty() ? NONE : key;
    }

    /** The ids of a stored key. */
    public static List<String> ids(String key) {
        return key.isEmpty() ? List.of() : List.of(key.split(","));
    }
}
