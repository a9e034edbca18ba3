package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RenameConstraint;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code RENAME CONSTRAINT}, catalog-only; rollback renames it back. */
final class RenameConstraintChange implements ChangeRenderer<RenameConstraint> {

    private static SqlUnit rename(
            Phase phase, StepId id, TableName t, Identifier from, Identifier to, boolean rollback) {
        return Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " RENAME CONSTRAINT " + Sql.ident(from) + " TO "
                                + Sql.ident(to),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only")),
                rollback);
    }

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, RenameConstraint c) {
        return List.of(rename(phase, id, ctx.qualify(c.table()), c.name(), c.newName(), false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, RenameConstraint c) {
        return List.of(rename(Phase.EXPAND, id, ctx.qualify(c.table()), c.newName(), c.name(), true)
                .requiring(id));
    }
}
