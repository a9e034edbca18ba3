package dev.tandem.postgres.internal.change;

import dev.tandem.plan.DropConstraint;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code DROP CONSTRAINT}, catalog-only under a brief ACCESS EXCLUSIVE lock, in contract. */
final class DropConstraintChange implements ChangeRenderer<DropConstraint> {

    /**
     * {@return {@code ALTER TABLE t DROP CONSTRAINT IF EXISTS name}}
     *
     * @param t the qualified table
     * @param name the constraint
     */
    static RenderedStatement statement(TableName t, Identifier name) {
        return new RenderedStatement(
                "ALTER TABLE " + Sql.table(t) + " DROP CONSTRAINT IF EXISTS " + Sql.ident(name),
                LockMode.ACCESS_EXCLUSIVE,
                t,
                false,
                false,
                "catalog-only");
    }

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, DropConstraint c) {
        TableName t = ctx.qualify(c.table());
        return List.of(
                Units.locked(phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, List.of(statement(t, c.name())), false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, DropConstraint c) {
        return List.of(); // contract only
    }
}
