package io.schemafleet.protocol.graph;

/** Which way a step moves a database. {@link #code()} is the stable wire form. */
public enum Direction {
    UPGRADE("upgrade"),
    DOWNGRADE("downgrade");

    private final String code;

    Direction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The direction whose {@link #code()} is {@code code}; null for any other text. */
    public static Direction ofCode(String code) {
        for (Direction d : values()) {
            if (d.code.equals(code)) {
                return d;
            }
        }
        return null;
    }
}
