package dev.tandem.plan;

/**
 * One step of an expand/contract plan. Operations compile to steps of five kinds, in the plan's three phases:
 * {@link Expand} (additive DDL), {@link DualWrite} (a sync rule kept by the database), {@link Backfill} (fill the new
 * representation for existing rows), {@link AfterBackfill} (changes that need the filled rows) and {@link Contract} (remove what the old application version needed).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Step permits Expand, DualWrite, Backfill, BackfillMove, BackfillMerge, AfterBackfill, Contract {

    /** {@return the step's id, unique within its plan} */
    StepId id();

    /** {@return the phase the step belongs to} */
    Phase phase();

    /** {@return whether the step may run inside a single transaction} */
    boolean transactional();

    /**
     * {@return the result of the visitor's method for this kind of step}
     *
     * <p>Java 17 has no exhaustive pattern switch: adding a step kind breaks every visitor at compile time.
     *
     * @param visitor the visitor
     * @param <R> the result type
     */
    <R> R accept(StepVisitor<R> visitor);
}
