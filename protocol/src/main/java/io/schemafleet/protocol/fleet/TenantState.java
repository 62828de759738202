package io.schemafleet.protocol.fleet;

/**
 * Where a tenant stands relative to its destination. {@link #code()} is the stable
 * wire and display form.
 */
public enum TenantState {
    /** At its destination. */
    CONVERGED("converged"),
    /** A step is running. */
    APPLYING("applying"),
    /** Not at its destination and nothing running (not admitted yet, or waiting). */
    BEHIND("behind"),
    /** A step failed; the tenant is at its previous version. */
    FAILED("failed"),
    /** Refused to run anything: checksum mismatch, unknown version row, impossible plan. */
    BLOCKED("blocked"),
    /** A non-transactional step was interrupted; an operator must resolve it. */
    DIRTY("dirty"),
    /** At its destination but its schema differs from its peers'. */
    DRIFTED("drifted"),
    /** The agent cannot reach the tenant's database. */
    UNREACHABLE("unreachable");

    private final String code;

    TenantState(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static TenantState fromCode(String code) {
        for (TenantState s : values()) {
            if (s.code.equals(code)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown tenant state '" + code + "'");
    }
}
