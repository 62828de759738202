package io.schemafleet.agent.apply;

/** A step's SQL (or its bookkeeping) failed; the tenant stays at its previous version. */
final class StepFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SqlFailure failure;
    /** The step's revision, filled in by the reconciler that knows it. */
    String revision;

    StepFailedException(SqlFailure failure, Throwable cause) {
        super(failure.message(), cause);
        this.failure = failure;
    }

    SqlFailure failure() {
        return failure;
    }
}
