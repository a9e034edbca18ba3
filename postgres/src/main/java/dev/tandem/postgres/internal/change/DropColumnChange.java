package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropColumn;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code DROP COLUMN}, catalog-only, in contract; the plan's renderer joins it to the table's other contract work. */
final class DropColumnChange implements ChangeRenderer<DropColumn> {

    /**
     * {@return the statement that drops the column}
     *
     * @param t the qualified table
     * @param column the column
     */
    static RenderedStatement statement(TableName t, Identifier column) {
        return new RenderedStatement(
                "ALTER TABLE " + Sql.table(t) + " DROP COLUMN IF EXISTS " + Sql.ident(column),
                LockMode.ACCESS_EXCLUSIVE,
                t,
                false,
                false,
                "catalog-only: no rewrite");
    }

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropColumn c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(
                phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, List.of(statement(t, c.column())), false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropColumn c) {
        return List.of(); // contract only: once it ran, rollback is refused
    }
}
