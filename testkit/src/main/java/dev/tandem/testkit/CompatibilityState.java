package dev.tandem.testkit;

/**
 * The states the {@linkplain CompatibilityHarness compatibility harness} walks a plan through, each on the database
 * the way a real deployment would see it. Three paths, each on a fresh database: {@code BEFORE_EXPAND -> EXPANDED ->
 * BACKFILLING -> BACKFILLED_VERIFIED -> CONTRACTED}; expand, then {@code ROLLED_BACK_FROM_EXPANDED}; expand, backfill
 * and verify, then {@code ROLLED_BACK_FROM_BACKFILLED}.
 *
 * <p>Which version must work where: the old version in every state before contract and after a rollback; the new
 * version from expand on, up to and including contract, but not before expand nor after a rollback.
 */
public enum CompatibilityState {
    /** The old version's schema and seed data, before anything of the plan ran. */
    BEFORE_EXPAND("before expand", true, false),
    /** After expand: new columns and sync triggers exist, nothing is backfilled yet. */
    EXPANDED("expanded", true, true),
    /** While the backfill runs in small batches, with both versions writing from their own threads. */
    BACKFILLING("backfilling", true, true),
    /** After the backfill and a verification that found every row consistent. */
    BACKFILLED_VERIFIED("backfilled+verified", true, true),
    /** After contract: the old representation is gone. */
    CONTRACTED("contracted", false, true),
    /** After a rollback straight from {@link #EXPANDED}. */
    ROLLED_BACK_FROM_EXPANDED("rolled back (expanded)", true, false),
    /** After a rollback from {@link #BACKFILLED_VERIFIED}. */
    ROLLED_BACK_FROM_BACKFILLED("rolled back (backfilled)", true, false);

    private final String label;
    private final boolean oldVersionWorks;
    private final boolean newVersionWorks;

    CompatibilityState(String label, boolean oldVersionWorks, boolean newVersionWorks) {
        this.label = label;
        this.oldVersionWorks = oldVersionWorks;
        this.newVersionWorks = newVersionWorks;
    }

    /** {@return a short lower-case label for the matrix, such as {@code backfilled+verified}} */
    public String label() {
        return label;
    }

    /** {@return whether the old application version must work in this state} */
    public boolean oldVersionMustWork() {
        return oldVersionWorks;
    }

    /** {@return whether the new application version must work in this state} */
    public boolean newVersionMustWork() {
        return newVersionWorks;
    }

    /**
     * {@return whether the new version must read records written before expand correctly in this state} Such records
     * get their new representation from the backfill, so this holds only once the backfill is done.
     */
    public boolean backfillDone() {
        return this == BACKFILLED_VERIFIED || this == CONTRACTED;
    }

    /** {@return whether this state comes after a rollback} */
    public boolean rolledBack() {
        return this == ROLLED_BACK_FROM_EXPANDED || this == ROLLED_BACK_FROM_BACKFILLED;
    }
}
