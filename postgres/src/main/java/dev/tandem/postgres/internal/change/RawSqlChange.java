package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RawSqlLinter;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Raw SQL: its statements as one unit (one transaction when it can run in one), each labelled by the linter, run with
 * the search path that resolves unqualified names in the default schema. Rollback runs the undo statements.
 */
final class RawSqlChange implements ChangeRenderer<RawChange> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, RawChange c) {
        String note = "raw SQL, unsafe accepted: " + c.unsafeReason();
        return List.of(unit(ctx, phase, id, c.statements(), c.transactional(), note, false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, RawChange c) {
        if (!c.hasUndo()) {
            return List.of();
        }
        return List.of(unit(ctx, Phase.EXPAND, id, c.undo(), c.undoTransactional(), "raw SQL undo of " + id, true)
                .requiring(id));
    }

    private static SqlUnit unit(
            ChangeContext ctx,
            Phase phase,
            StepId id,
            List<SqlStatement> statements,
            boolean transactional,
            String note,
            boolean rollback) {
        List<RenderedStatement> rendered = new ArrayList<>();
        LockMode strongest = LockMode.NONE;
        @Nullable TableName relation = null;
        for (SqlStatement s : statements) {
            RawSqlLinter.Finding f = RawSqlLinter.lint(s, ctx.defaultSchema());
            rendered.add(
                    new RenderedStatement(s.sql(), f.lock(), f.relation(), f.rewrites(), f.scans(), note + f.label()));
            if (f.lock().compareTo(strongest) > 0) {
                strongest = f.lock();
                relation = f.relation();
            }
        }
        return new SqlUnit(phase, List.of(id), rendered, transactional, relation, strongest, rollback)
                .withSearchPath(ctx.rawSearchPath());
    }
}
