package dev.tandem.postgres.internal.change;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * {@code ADD COLUMN}, catalog-only: nullable without a default, or with a non-volatile default (stored once, PostgreSQL
 * 11 and later) and then also {@code NOT NULL} without a scan. Rollback drops the column together with the plan's
 * other columns and triggers on the table, which the plan's renderer does per table.
 */
final class AddColumnChange implements ChangeRenderer<AddColumn> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, AddColumn c) {
        TableName t = ctx.qualify(c.table());
        String sql = "ALTER TABLE " + Sql.table(t) + " ADD COLUMN " + Sql.ident(c.column()) + ' '
                + c.type().sql()
                + (c.defaultValue() == null
                        ? ""
                        : " DEFAULT " + c.defaultValue().sql())
                + (c.notNull() ? " NOT NULL" : "");
        String note = c.defaultValue() == null
                ? "catalog-only: nullable, no default"
                : "catalog-only: the default is stored once, not written into each row"
                        + (c.notNull() ? "; NOT NULL needs no scan, every row has the default" : "");
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(sql, LockMode.ACCESS_EXCLUSIVE, t, false, false, note)),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, AddColumn c) {
        return List.of(); // dropped per table, with the plan's triggers, in one transaction
    }
}
