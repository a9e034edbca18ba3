package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropTable;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code DROP TABLE} without {@code CASCADE}, in contract; contract's checks refuse it while something depends on it. */
final class DropTableChange implements ChangeRenderer<DropTable> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropTable c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "DROP TABLE IF EXISTS " + Sql.table(t),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "its data is gone for good")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropTable c) {
        return List.of(); // contract only
    }
}
