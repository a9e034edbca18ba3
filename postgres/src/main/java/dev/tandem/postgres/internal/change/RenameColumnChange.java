package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * The end of a rename, at contract: the copy dropped (with its indexes) and the column renamed, both catalog-only. The
 * plan's renderer joins them to the table's unit that drops the sync trigger, so no write slips between.
 */
final class RenameColumnChange implements ChangeRenderer<RenameColumn> {

    /**
     * {@return the statements that drop the copy and rename the column}
     *
     * @param t the qualified table
     * @param c the rename
     */
    static List<RenderedStatement> statements(TableName t, RenameColumn c) {
        String alter = "ALTER TABLE " + Sql.table(t);
        return List.of(
                new RenderedStatement(
                        alter + " DROP COLUMN " + Sql.ident(c.newName()),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: the copy, with its indexes"),
                new RenderedStatement(
                        alter + " RENAME COLUMN " + Sql.ident(c.column()) + " TO " + Sql.ident(c.newName()),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: keeps its default, sequence, NOT NULL, indexes, keys and foreign keys"));
    }

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, RenameColumn c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, statements(t, c), false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, RenameColumn c) {
        return List.of(); // contract only: once it ran, rollback is refused
    }
}
