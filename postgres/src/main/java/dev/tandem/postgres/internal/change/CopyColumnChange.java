package dev.tandem.postgres.internal.change;

import dev.tandem.plan.CopyColumn;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.ColumnFacts;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * A rename's copy column, in expand: the column's type and collation, nullable, no default (the column's default,
 * sequence or identity fills the column, and the trigger the copy). Catalog-only. The preflight made sure the column
 * exists; rollback drops the copy with the plan's triggers.
 */
final class CopyColumnChange implements ChangeRenderer<CopyColumn> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, CopyColumn c) {
        TableName t = ctx.qualify(c.table());
        ColumnFacts source = ctx.factsOf(t)
                .map(f -> f.column(c.column()))
                .orElseThrow(() -> new IllegalStateException(
                        "column " + c.column().quoted() + " of " + t.quoted() + " was not read before expand"));
        String sql = "ALTER TABLE " + Sql.table(t) + " ADD COLUMN " + Sql.ident(c.copy()) + ' ' + source.fullType()
                + (source.collation() == null ? "" : " COLLATE " + source.collation());
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(
                        sql,
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: the copy the new version uses until contract; nullable, no default")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, CopyColumn c) {
        return List.of(); // dropped per table, with the plan's triggers, in one transaction
    }
}
