package dev.tandem.plan;

/**
 * A function over the kinds of {@link Step}.
 *
 * @param <R> the result type
 */
public interface StepVisitor<R> {
    /**
     * {@return the result for an expand step}
     *
     * @param step the step
     */
    R visitExpand(Expand step);

    /**
     * {@return the result for a dual-write step}
     *
     * @param step the step
     */
    R visitDualWrite(DualWrite step);

    /**
     * {@return the result for a backfill step}
     *
     * @param step the step
     */
    R visitBackfill(Backfill step);

    /**
     * Visits a move's backfill step.
     *
     * @param step the step
     * @return the result
     */
    R visitBackfillMove(BackfillMove step);

    /**
     * Visits a merge's backfill step.
     *
     * @param step the step
     * @return the result
     */
    R visitBackfillMerge(BackfillMerge step);

    /**
     * {@return the result for a change that runs after the backfills}
     *
     * @param step the step
     */
    R visitAfterBackfill(AfterBackfill step);

    /**
     * {@return the result for a contract step}
     *
     * @param step the step
     */
    R visitContract(Contract step);
}
