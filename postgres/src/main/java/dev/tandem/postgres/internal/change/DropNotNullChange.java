package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropNotNull;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.Names;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * {@code DROP NOT NULL}, catalog-only. Rollback restores it without a long lock: a {@code CHECK ... NOT VALID},
 * validated under SHARE UPDATE EXCLUSIVE, lets {@code SET NOT NULL} skip its scan.
 */
final class DropNotNullChange implements ChangeRenderer<DropNotNull> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropNotNull c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN " + Sql.ident(c.column()) + " DROP NOT NULL",
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropNotNull c) {
        TableName t = ctx.qualify(c.table());
        String check = Sql.ident(Names.notNullCheck(ctx.planId(), id));
        String alter = "ALTER TABLE " + Sql.table(t);
        String column = Sql.ident(c.column());
        return List.of(
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(id.value() + "/restore-1")),
                                t,
                                LockMode.ACCESS_EXCLUSIVE,
                                List.of(
                                        RenderedStatement.of(
                                                alter + " DROP CONSTRAINT IF EXISTS " + check,
                                                LockMode.ACCESS_EXCLUSIVE,
                                                t),
                                        new RenderedStatement(
                                                alter + " ADD CONSTRAINT " + check + " CHECK (" + column
                                                        + " IS NOT NULL) NOT VALID",
                                                LockMode.ACCESS_EXCLUSIVE,
                                                t,
                                                false,
                                                false,
                                                "catalog-only: new writes are checked from here on")),
                                true)
                        .requiring(id),
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(id.value() + "/restore-2")),
                                t,
                                LockMode.SHARE_UPDATE_EXCLUSIVE,
                                List.of(new RenderedStatement(
                                        alter + " VALIDATE CONSTRAINT " + check,
                                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                                        t,
                                        false,
                                        true,
                                        "reads and writes go on")),
                                true)
                        .requiring(id),
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(id.value() + "/restore-3")),
                                t,
                                LockMode.ACCESS_EXCLUSIVE,
                                List.of(
                                        new RenderedStatement(
                                                alter + " ALTER COLUMN " + column + " SET NOT NULL",
                                                LockMode.ACCESS_EXCLUSIVE,
                                                t,
                                                false,
                                                false,
                                                "no scan: the validated CHECK proves it"),
                                        RenderedStatement.of(
                                                alter + " DROP CONSTRAINT IF EXISTS " + check,
                                                LockMode.ACCESS_EXCLUSIVE,
                                                t)),
                                true)
                        .requiring(id));
    }
}
