package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * {@code SET DEFAULT} in expand, with the previous default saved in Tandem's state in the same transaction (as
 * PostgreSQL prints it under the pinned search path, so it parses back to the same functions); rollback sets it back.
 * {@code DROP DEFAULT} in contract. Both catalog-only.
 */
final class SetDefaultChange implements ChangeRenderer<SetDefault> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, SetDefault c) {
        TableName t = ctx.qualify(c.table());
        String alter = "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN " + Sql.ident(c.column());
        SqlExpression value = c.value();
        if (value == null) {
            return List.of(Units.locked(
                    phase,
                    List.of(id),
                    t,
                    LockMode.ACCESS_EXCLUSIVE,
                    List.of(new RenderedStatement(
                            alter + " DROP DEFAULT", LockMode.ACCESS_EXCLUSIVE, t, false, false, "catalog-only")),
                    false));
        }
        RenderedStatement save = Units.save(
                ctx,
                id,
                "pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attribute a"
                        + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE a.attrelid = " + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass AND a.attname = "
                        + Sql.literal(c.column().value()),
                "the previous default, for rollback");
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(
                        save,
                        new RenderedStatement(
                                alter + " SET DEFAULT " + value.sql(),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: existing rows keep their values")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, SetDefault c) {
        if (c.value() == null) {
            return List.of(); // contract only
        }
        TableName t = ctx.qualify(c.table());
        String alter = "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN " + Sql.ident(c.column());
        String body =
                "  IF NOT FOUND THEN\n    RAISE EXCEPTION 'the previous default of %.% was not saved; set it by hand',"
                        + " " + Sql.literal(Sql.table(t)) + ", "
                        + Sql.literal(c.column().value()) + ";\n  END IF;\n"
                        + "  IF v IS NULL THEN\n    " + alter + " DROP DEFAULT;\n  ELSE\n    EXECUTE "
                        + Sql.literal(alter + " SET DEFAULT ") + " || v;\n  END IF;\n";
        return List.of(Units.restoreSaved(ctx, id, t, body, "catalog-only: the default saved at expand, or none"));
    }
}
