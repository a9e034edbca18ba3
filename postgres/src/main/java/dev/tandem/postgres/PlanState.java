package dev.tandem.postgres;

/**
 * Where a plan stands in the database. The lifecycle is {@code PENDING -> EXPANDED -> BACKFILLED -> VERIFIED ->
 * CONTRACTED}, with {@code ROLLED_BACK} reachable from any state before contract. The {@code -ING} states mean a phase
 * started and has not finished (it is running, or its runner stopped); running the phase again resumes it.
 */
public enum PlanState {
    /** Not started: no state row yet, or nothing has run. */
    PENDING,
    /** The expand phase started and has not finished. */
    EXPANDING,
    /** New columns and sync triggers exist; both application versions work. */
    EXPANDED,
    /** The backfill started and has not finished; running it again resumes from the saved cursor. */
    BACKFILLING,
    /** Every row that existed before the sync triggers has been filled. */
    BACKFILLED,
    /** Verification found every row consistent and no unmapped values; contract may run. */
    VERIFIED,
    /** The contract phase started and has not finished. */
    CONTRACTING,
    /** The old representation is gone; the plan is complete. */
    CONTRACTED,
    /** A rollback started and has not finished. */
    ROLLING_BACK,
    /** The schema is back to its shape before expand. */
    ROLLED_BACK;

    /** {@return whether a rollback is still possible from this state} */
    public boolean canRollBack() {
        return this != CONTRACTING && this != CONTRACTED;
    }
}
