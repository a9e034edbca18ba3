package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.IndexFacts;
import dev.tandem.postgres.internal.Names;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import dev.tandem.postgres.internal.TableFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * After the backfill: the shadow column's copy of each index of the column, built concurrently (a unique one rejects
 * duplicates of the new values from then on, as the column's does for the old ones). The swap at contract takes them
 * over. Rollback drops them with the shadow column.
 */
final class PrepareSwapChange implements ChangeRenderer<PrepareSwap> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, PrepareSwap c) {
        TableName t = ctx.qualify(c.table());
        TableFacts facts = ctx.factsOf(t).orElse(null);
        List<SqlUnit> out = new ArrayList<>();
        if (facts == null) {
            return out;
        }
        for (IndexFacts i : facts.indexes()) {
            if (!i.onlyOn(c.column())) {
                continue;
            }
            String sql = "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                    + Sql.ident(Names.swapIndex(ctx.planId(), i.name())) + " ON " + Sql.table(t) + " USING "
                    + i.method() + " (" + Sql.ident(c.shadow()) + i.firstColumnOptions() + ")";
            out.add(Units.outside(
                    phase,
                    StepId.of(id.value() + "/index-" + i.name().value()),
                    new RenderedStatement(
                            sql,
                            LockMode.SHARE_UPDATE_EXCLUSIVE,
                            t,
                            false,
                            true,
                            "the shadow's copy of " + i.name().quoted() + "; reads and writes go on"),
                    false));
        }
        return out;
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, PrepareSwap c) {
        return List.of(); // dropped with the shadow column
    }
}
