package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.StepId;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * After the backfill: the shadow column's copy of each index of the column, built concurrently (a unique one rejects
 * duplicates of the new values from then on, as the column's does for the old ones). The swap at contract takes them
 * over. Rollback drops them with the shadow column.
 */
final class PrepareSwapChange implements ChangeRenderer<PrepareSwap> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, PrepareSwap c) {
        return CopyIndexesChange.build(ctx, phase, id, c.table(), c.column(), c.shadow());
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, PrepareSwap c) {
        return List.of(); // dropped with the shadow column
    }
}
