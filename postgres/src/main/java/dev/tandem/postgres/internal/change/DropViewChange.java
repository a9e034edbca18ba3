package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropView;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** Drops the compatibility view of a renamed table, in contract: ACCESS EXCLUSIVE on the view only. */
final class DropViewChange implements ChangeRenderer<DropView> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropView c) {
        TableName view = ctx.qualify(c.view());
        RenderedStatement drop = new RenderedStatement(
                "DROP VIEW IF EXISTS " + Sql.table(view),
                LockMode.ACCESS_EXCLUSIVE,
                view,
                false,
                false,
                "the view only; the table is not locked");
        // no LOCK TABLE first: locking a view locks the tables under it too
        return List.of(new SqlUnit(phase, List.of(id), List.of(drop), true, view, LockMode.ACCESS_EXCLUSIVE, false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropView c) {
        return List.of(); // contract only
    }
}
