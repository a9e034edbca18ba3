package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.ColumnFacts;
import dev.tandem.postgres.internal.MoveTriggers;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import dev.tandem.postgres.internal.TableFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * Expand adds the merged columns to the table that takes them (catalog-only: nullable, a volatile default set after
 * the column is added) and installs the triggers that keep both tables equal, in one transaction. Contract drops the
 * triggers in the transaction that drops the columns from the table they leave (see {@link #finish}). Rollback drops
 * the triggers and the added columns.
 */
final class MergeColumnsChange implements ChangeRenderer<MergeColumns> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, MergeColumns m) {
        TableName table = ctx.qualify(m.table());
        TableName into = ctx.qualify(m.into());
        if (phase == Phase.CONTRACT) {
            return List.of(Units.locked(phase, List.of(id), table, LockMode.ACCESS_EXCLUSIVE, finish(ctx, m), false));
        }
        TableFacts from = ctx.factsOf(m.table())
                .orElseThrow(() -> new IllegalStateException("merging columns needs the facts of " + table.quoted()));
        TableFacts to = ctx.factsOf(m.into())
                .orElseThrow(() -> new IllegalStateException("merging columns needs the facts of " + into.quoted()));
        List<RenderedStatement> body = new ArrayList<>();
        body.add(Units.lock(table, LockMode.SHARE_ROW_EXCLUSIVE));
        for (Identifier c : m.columns()) {
            ColumnFacts col = from.column(c);
            if (col == null) {
                throw new IllegalStateException("column " + c.quoted() + " of " + table.quoted() + " is missing");
            }
            boolean volatileDefault = col.defaultSql() != null && col.defaultVolatile();
            body.add(new RenderedStatement(
                    "ALTER TABLE " + Sql.table(into) + " ADD COLUMN " + Sql.ident(c) + ' ' + col.fullType()
                            + (col.collation() == null ? "" : " COLLATE " + col.collation())
                            + (col.defaultSql() == null || volatileDefault ? "" : " DEFAULT " + col.defaultSql()),
                    LockMode.ACCESS_EXCLUSIVE,
                    into,
                    false,
                    false,
                    "catalog-only: nullable, and any default is a constant"));
            if (volatileDefault) {
                body.add(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(into) + " ALTER COLUMN " + Sql.ident(c) + " SET DEFAULT "
                                + col.defaultSql(),
                        LockMode.ACCESS_EXCLUSIVE,
                        into,
                        false,
                        false,
                        "catalog-only: a volatile default, set once the column exists, so no row is rewritten"));
            }
        }
        body.addAll(MoveTriggers.forMerge(ctx.planId(), ctx.stateSchema(), m, into, to, table, from)
                .install());
        return List.of(Units.locked(phase, List.of(id), into, LockMode.ACCESS_EXCLUSIVE, body, false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, MergeColumns m) {
        TableName table = ctx.qualify(m.table());
        TableName into = ctx.qualify(m.into());
        List<RenderedStatement> body = new ArrayList<>();
        body.add(Units.lock(table, LockMode.ACCESS_EXCLUSIVE));
        body.addAll(MoveTriggers.dropMerge(ctx.planId(), ctx.stateSchema(), m, into, table));
        for (Identifier c : m.columns()) {
            body.add(new RenderedStatement(
                    "ALTER TABLE " + Sql.table(into) + " DROP COLUMN IF EXISTS " + Sql.ident(c),
                    LockMode.ACCESS_EXCLUSIVE,
                    into,
                    false,
                    false,
                    "catalog-only: what the new version wrote there is also in " + table.quoted()));
        }
        return List.of(Units.locked(Phase.EXPAND, List.of(id), into, LockMode.ACCESS_EXCLUSIVE, body, true)
                .requiring(id));
    }

    /**
     * {@return the contract statements that stop a merge's sync, in the drop unit of the table the columns leave
     * (which holds its ACCESS EXCLUSIVE lock), before its columns are dropped}
     *
     * @param ctx the plan's context
     * @param m the merge
     */
    static List<RenderedStatement> finish(ChangeContext ctx, MergeColumns m) {
        TableName table = ctx.qualify(m.table());
        TableName into = ctx.qualify(m.into());
        List<RenderedStatement> out = new ArrayList<>();
        out.add(Units.lock(into, LockMode.ACCESS_EXCLUSIVE));
        out.addAll(MoveTriggers.dropMerge(ctx.planId(), ctx.stateSchema(), m, into, table));
        return out;
    }
}
