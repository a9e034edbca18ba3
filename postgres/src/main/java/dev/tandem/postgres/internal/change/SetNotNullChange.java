package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * {@code SET NOT NULL} under a validated {@code CHECK (column IS NOT NULL)}, which lets PostgreSQL skip the scan; the
 * check is dropped in the same transaction. Contract only.
 */
final class SetNotNullChange implements ChangeRenderer<SetNotNull> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, SetNotNull c) {
        TableName t = ctx.qualify(c.table());
        String alter = "ALTER TABLE " + Sql.table(t);
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(
                        new RenderedStatement(
                                alter + " ALTER COLUMN " + Sql.ident(c.column()) + " SET NOT NULL",
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "no scan: the validated CHECK proves it"),
                        DropConstraintChange.statement(t, c.check())),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, SetNotNull c) {
        return List.of(); // contract only
    }
}
