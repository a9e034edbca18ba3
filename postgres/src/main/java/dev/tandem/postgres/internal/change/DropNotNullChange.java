package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropNotNull;
import dev.tandem.plan.Identifier;
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
        return restore(
                ctx.qualify(c.table()), c.column(), Names.notNullCheck(ctx.planId(), id), id.value() + "/restore-", id);
    }

    /**
     * {@return the rollback units that make a column NOT NULL again without a long lock: a {@code CHECK NOT VALID}, its
     * validation while reads and writes go on, then {@code SET NOT NULL} without a scan; each runs only if
     * {@code required} ran, and fails, changing nothing, while rows have NULL there}
     *
     * @param t the qualified table
     * @param col the column
     * @param checkName the temporary check's name
     * @param markerPrefix the prefix of the three units' markers, numbered from 1
     * @param required the step whose marker says the NOT NULL was dropped
     */
    static List<SqlUnit> restore(
            TableName t, Identifier col, Identifier checkName, String markerPrefix, StepId required) {
        String check = Sql.ident(checkName);
        String alter = "ALTER TABLE " + Sql.table(t);
        String column = Sql.ident(col);
        return List.of(
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(markerPrefix + "1")),
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
                        .requiring(required),
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(markerPrefix + "2")),
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
                        .requiring(required),
                Units.locked(
                                Phase.EXPAND,
                                List.of(StepId.of(markerPrefix + "3")),
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
                        .requiring(required));
    }
}
