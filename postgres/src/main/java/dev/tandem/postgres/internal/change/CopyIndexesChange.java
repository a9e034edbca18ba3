package dev.tandem.postgres.internal.change;

import dev.tandem.plan.CopyIndexes;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
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
 * After the backfill: a copy column's equivalent of each single-column index of the column, built concurrently (a
 * unique one rejects duplicates of the copy from then on, as the column's does). Rollback drops them with the copy.
 */
final class CopyIndexesChange implements ChangeRenderer<CopyIndexes> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, CopyIndexes c) {
        return build(ctx, phase, id, c.table(), c.column(), c.copy());
    }

    /**
     * {@return one unit per index of {@code column} alone: its copy on {@code copy}, built concurrently}
     *
     * @param ctx the context, with facts
     * @param phase the phase
     * @param id the step, whose id prefixes each unit's marker
     * @param table the table
     * @param column the column whose indexes are copied
     * @param copy the column the copies index
     */
    static List<SqlUnit> build(
            ChangeContext ctx, Phase phase, StepId id, TableName table, Identifier column, Identifier copy) {
        TableName t = ctx.qualify(table);
        TableFacts facts = ctx.factsOf(t).orElse(null);
        List<SqlUnit> out = new ArrayList<>();
        if (facts == null) {
            return out;
        }
        for (IndexFacts i : facts.indexes()) {
            if (!i.onlyOn(column)) {
                continue;
            }
            String sql = "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                    + Sql.ident(Names.swapIndex(ctx.planId(), i.name())) + " ON " + Sql.table(t) + " USING "
                    + i.method() + " (" + Sql.ident(copy) + i.firstColumnOptions() + ")";
            out.add(Units.outside(
                    phase,
                    StepId.of(id.value() + "/index-" + i.name().value()),
                    new RenderedStatement(
                            sql,
                            LockMode.SHARE_UPDATE_EXCLUSIVE,
                            t,
                            false,
                            true,
                            "the copy of " + i.name().quoted() + " on " + copy.quoted() + "; reads and writes go on"),
                    false));
        }
        return out;
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, CopyIndexes c) {
        return List.of(); // dropped with the copy column
    }
}
