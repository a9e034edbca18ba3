package dev.tandem.testkit;

import dev.tandem.postgres.PlanState;
import dev.tandem.testkit.internal.Readiness;

/**
 * The states the {@linkplain CompatibilityHarness compatibility harness} walks a plan through, each on the database
 * the way a real deployment would see it. Three paths, each on a fresh database: {@code BEFORE_EXPAND -> EXPANDED ->
 * BACKFILLING -> BACKFILLED_VERIFIED -> CONTRACTED}; expand, then {@code ROLLED_BACK_FROM_EXPANDED}; expand, backfill
 * and verify, then {@code ROLLED_BACK_FROM_BACKFILLED}.
 *
 * <p>Which version runs where follows Tandem's readiness contract ({@link dev.tandem.postgres.PlanStatus#oldVersionMayRun()}
 * and {@link dev.tandem.postgres.PlanStatus#newVersionMayRun()}): the old version until contract starts, so in every
 * state but {@link #CONTRACTED}; the new version once the backfill is complete, so in {@link #BACKFILLED_VERIFIED} and
 * {@link #CONTRACTED} only. Before the backfill is complete, rows from before expand still have empty new columns: the
 * new version would read them empty, and an ORM saving back what it read would erase what the backfill filled in.
 *
 * <p>The harness asks the migrator's {@link dev.tandem.postgres.PostgresMigrator#status status} in each state rather
 * than this table, so that a {@link PhaseRunner} that moves the plan differently is followed too; {@link
 * #oldVersionMustWork()} and {@link #newVersionMustWork()} say what Tandem answers when each phase ran normally.
 */
public enum CompatibilityState {
    /** The old version's schema and seed data, before anything of the plan ran. */
    BEFORE_EXPAND("before expand", PlanState.PENDING),
    /** After expand: new columns and sync triggers exist, nothing is backfilled yet; only the old version runs. */
    EXPANDED("expanded", PlanState.EXPANDED),
    /** While the backfill runs in small batches, with the old version writing from its own thread. */
    BACKFILLING("backfilling", PlanState.BACKFILLING),
    /** After the backfill and a verification that found every row consistent: both versions run. */
    BACKFILLED_VERIFIED("backfilled+verified", PlanState.VERIFIED),
    /** After contract: the old representation is gone; only the new version runs. */
    CONTRACTED("contracted", PlanState.CONTRACTED),
    /** After a rollback straight from {@link #EXPANDED}. */
    ROLLED_BACK_FROM_EXPANDED("rolled back (expanded)", PlanState.ROLLED_BACK),
    /** After a rollback from {@link #BACKFILLED_VERIFIED}. */
    ROLLED_BACK_FROM_BACKFILLED("rolled back (backfilled)", PlanState.ROLLED_BACK);

    private final String label;
    private final PlanState planState;

    CompatibilityState(String label, PlanState planState) {
        this.label = label;
        this.planState = planState;
    }

    /** {@return a short lower-case label for the matrix, such as {@code backfilled+verified}} */
    public String label() {
        return label;
    }

    /**
     * {@return the state Tandem records for the plan here when every phase ran normally}, such as {@link
     * PlanState#VERIFIED} for {@link #BACKFILLED_VERIFIED} and {@link PlanState#PENDING} before expand
     */
    public PlanState planState() {
        return planState;
    }

    /**
     * {@return whether the old application version may run in this state, and so must work in it} True until contract
     * starts: in every state but {@link #CONTRACTED}.
     */
    public boolean oldVersionMustWork() {
        return Readiness.of(planState).oldMayRun();
    }

    /**
     * {@return whether the new application version may run in this state, and so must work in it} True once the
     * backfill is complete: in {@link #BACKFILLED_VERIFIED} and {@link #CONTRACTED}. Before that the harness runs it
     * only when a check {@linkplain CompatibilityCheck#probeNotReady probes} it, and reports what it finds as not
     * ready rather than as a failure.
     */
    public boolean newVersionMustWork() {
        return Readiness.of(planState).newMayRun();
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
