package io.schemafleet.agent.store;

/** The outcome column of {@code schemafleet_history}; {@link #code()} is what is stored. */
public enum HistoryOutcome {
    /** The step ran and the version table moved. */
    APPLIED("applied"),
    /** The step failed; nothing it did was kept (transactional) or its SQL failed. */
    FAILED("failed"),
    /** A non-transactional step started and has not finished: the tenant is dirty. */
    PENDING("pending"),
    /** An operator declared an interrupted step applied. */
    RESOLVED_APPLIED("resolved-applied"),
    /** An operator declared an interrupted step rolled back. */
    RESOLVED_ROLLED_BACK("resolved-rolled-back");

    private final String code;

    HistoryOutcome(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
