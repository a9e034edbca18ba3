package dev.tandem.postgres.internal.change;

import dev.tandem.plan.CreateIndex;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code CREATE INDEX CONCURRENTLY}, outside a transaction: the executor drops an INVALID leftover of a failed build
 * before it retries, and counts a valid index of the name as built. Rollback: {@code DROP INDEX CONCURRENTLY}.
 */
final class CreateIndexChange implements ChangeRenderer<CreateIndex> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, CreateIndex c) {
        TableName t = ctx.qualify(c.table());
        String sql = "CREATE " + (c.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                + Sql.ident(c.name()) + " ON " + Sql.table(t) + " USING " + c.method() + " ("
                + c.keys().stream().map(SqlExpression::sql).collect(Collectors.joining(", ")) + ")"
                + (c.include().isEmpty() ? "" : " INCLUDE (" + Sql.idents(c.include()) + ")")
                + (c.where() == null ? "" : " WHERE " + c.where().sql());
        return List.of(Units.outside(
                phase,
                id,
                new RenderedStatement(
                        sql,
                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                        t,
                        false,
                        true,
                        "reads and writes go on while it builds"
                                + (c.unique() ? "; from then on, duplicate writes of either version fail" : "")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, CreateIndex c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.outside(Phase.EXPAND, id, drop(t, c.name()), true).requiring(id));
    }

    /**
     * {@return {@code DROP INDEX CONCURRENTLY IF EXISTS}}
     *
     * @param t the index's table
     * @param name the index
     */
    static RenderedStatement drop(TableName t, Identifier name) {
        return new RenderedStatement(
                "DROP INDEX CONCURRENTLY IF EXISTS " + Units.inSchemaOf(t, name),
                LockMode.SHARE_UPDATE_EXCLUSIVE,
                t,
                false,
                false,
                "reads and writes go on");
    }
}
