package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.StepId;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * The PostgreSQL side of one kind of schema change.
 *
 * @param <C> the kind of change
 */
interface ChangeRenderer<C extends SchemaChange> {

    /**
     * {@return the units that make the change in {@code phase}, in order}
     *
     * @param ctx the plan's context
     * @param phase the phase the step belongs to
     * @param id the step
     * @param change the change
     */
    List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, C change);

    /**
     * {@return the units that undo the change on rollback (each runs only if the step ran), in order; empty when there
     * is nothing to undo}
     *
     * @param ctx the plan's context
     * @param id the step
     * @param change the change
     */
    List<SqlUnit> undo(ChangeContext ctx, StepId id, C change);
}
