package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropIndex;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code DROP INDEX CONCURRENTLY}, in contract, outside a transaction: reads and writes go on. */
final class DropIndexChange implements ChangeRenderer<DropIndex> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropIndex c) {
        return List.of(Units.outside(phase, id, CreateIndexChange.drop(ctx.qualify(c.table()), c.name()), false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropIndex c) {
        return List.of(); // contract only
    }
}
