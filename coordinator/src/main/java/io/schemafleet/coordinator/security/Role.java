package io.schemafleet.coordinator.security;

/** What a token may do. {@link #code()} is the form in JSON and on the command line. */
public enum Role {
    /** Every {@code GET} under {@code /api/} and the metrics. */
    READ_ONLY("read-only", "sfro_"),
    /** Everything, writes included. */
    OPERATOR("operator", "sfop_");

    private final String code;
    private final String tokenPrefix;

    Role(String code, String tokenPrefix) {
        this.code = code;
        this.tokenPrefix = tokenPrefix;
    }

    public String code() {
        return code;
    }

    /** What generated tokens of this role start with, so people can tell them apart; auth ignores it. */
    public String tokenPrefix() {
        return tokenPrefix;
    }

    public static Role fromCode(String code) {
        for (Role r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + code + "' (operator or read-only)");
    }
}
