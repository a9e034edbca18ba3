package dev.tandem.postgres.internal.change;

import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.CreateTable;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code CREATE TABLE} with its primary key, unique and check constraints, then its foreign keys {@code NOT VALID}, in
 * one transaction that first locks each referenced table in SHARE ROW EXCLUSIVE. Rollback drops the table.
 */
final class CreateTableChange implements ChangeRenderer<CreateTable> {

    /**
     * {@return the {@code CREATE TABLE} statement, without foreign keys}
     *
     * @param t the qualified table
     * @param c the change
     */
    static String createStatement(TableName t, CreateTable c) {
        List<String> parts = new ArrayList<>();
        for (CreateTable.ColumnDefinition col : c.columns()) {
            parts.add(Sql.ident(col.name())
                    + ' '
                    + col.type().sql()
                    + (col.defaultValue() == null
                            ? ""
                            : " DEFAULT " + col.defaultValue().sql())
                    + (col.notNull() ? " NOT NULL" : ""));
        }
        if (!c.primaryKey().isEmpty()) {
            parts.add("PRIMARY KEY (" + Sql.idents(c.primaryKey()) + ")");
        }
        for (CreateTable.NamedConstraint k : c.constraints()) {
            String def = k.definition().accept(new ConstraintDefinition.Visitor<String>() {
                @Override
                public String visitCheck(ConstraintDefinition.Check x) {
                    return "CHECK (" + x.condition().sql() + ")";
                }

                @Override
                public String visitForeignKey(ConstraintDefinition.ForeignKey x) {
                    return "";
                }

                @Override
                public String visitPrimaryKey(ConstraintDefinition.PrimaryKey x) {
                    return "PRIMARY KEY (" + Sql.idents(x.columns()) + ")";
                }

                @Override
                public String visitUnique(ConstraintDefinition.Unique x) {
                    return "UNIQUE (" + Sql.idents(x.columns()) + ")";
                }
            });
            if (!def.isEmpty()) {
                parts.add("CONSTRAINT " + Sql.ident(k.name()) + ' ' + def);
            }
        }
        return "CREATE TABLE " + Sql.table(t) + " (\n  " + String.join(",\n  ", parts) + "\n)";
    }

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, CreateTable c) {
        TableName t = ctx.qualify(c.table());
        List<RenderedStatement> body = new ArrayList<>();
        Set<TableName> referenced = new LinkedHashSet<>();
        List<RenderedStatement> keys = new ArrayList<>();
        for (CreateTable.NamedConstraint k : c.constraints()) {
            if (k.definition() instanceof ConstraintDefinition.ForeignKey fk) {
                TableName ref = ctx.qualify(fk.referencedTable());
                if (!ref.equals(t)) {
                    referenced.add(ref);
                }
                keys.add(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " ADD CONSTRAINT " + Sql.ident(k.name()) + " FOREIGN KEY ("
                                + Sql.idents(fk.columns()) + ") REFERENCES " + Sql.table(ref) + " ("
                                + Sql.idents(fk.referencedColumns()) + ") ON DELETE "
                                + fk.onDelete().sql()
                                + " ON UPDATE " + fk.onUpdate().sql() + " NOT VALID",
                        LockMode.SHARE_ROW_EXCLUSIVE,
                        ref,
                        false,
                        false,
                        "the new table is empty; validated after the backfill"));
            }
        }
        for (TableName ref : referenced) {
            body.add(Units.lock(ref, LockMode.SHARE_ROW_EXCLUSIVE));
        }
        body.add(new RenderedStatement(
                createStatement(t, c), LockMode.NONE, null, false, false, "a new table: nothing waits for it"));
        body.addAll(keys);
        TableName lockTable =
                referenced.isEmpty() ? null : referenced.iterator().next();
        return List.of(new SqlUnit(
                phase,
                List.of(id),
                body,
                true,
                lockTable,
                referenced.isEmpty() ? LockMode.NONE : LockMode.SHARE_ROW_EXCLUSIVE,
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, CreateTable c) {
        TableName t = ctx.qualify(c.table());
        return List.of(new SqlUnit(
                        Phase.EXPAND,
                        List.of(id),
                        List.of(new RenderedStatement(
                                "DROP TABLE IF EXISTS " + Sql.table(t),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "what either version wrote to it is gone")),
                        true,
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        true)
                .requiring(id));
    }
}
