package io.schemafleet.agent.apply;

/** How one attempt at a step ended, short of an exception. */
enum StepOutcome {
    /** Ran and committed. */
    APPLIED,
    /** The version rows were not what the plan started from (another agent moved them): re-plan. */
    ROWS_CHANGED,
    /** A pending marker appeared: the tenant is dirty. */
    DIRTY
}
