package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.plan.ValidateConstraint;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/** {@code VALIDATE CONSTRAINT}: a scan under SHARE UPDATE EXCLUSIVE, so reads and writes go on. Nothing to undo. */
final class ValidateConstraintChange implements ChangeRenderer<ValidateConstraint> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, ValidateConstraint c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.SHARE_UPDATE_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " VALIDATE CONSTRAINT " + Sql.ident(c.name()),
                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                        t,
                        false,
                        true,
                        "reads and writes go on; fails, and changes nothing, while a row violates the constraint")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, ValidateConstraint c) {
        return List.of(); // the constraint's own undo drops it
    }
}
