package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.RenameTable;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * Renames the table and creates an automatically updatable view under the old name, with the table's grants, in one
 * transaction: no session ever finds neither name. On PostgreSQL 15 and later the view is {@code security_invoker}, so
 * row-level security and column privileges of the table apply to its users as before. Rollback drops the view and
 * renames the table back, in one transaction.
 */
final class RenameTableChange implements ChangeRenderer<RenameTable> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, RenameTable c) {
        TableName old = ctx.qualify(c.table());
        TableName renamed = ctx.qualify(c.renamed());
        String head = "CREATE VIEW " + Sql.table(old);
        String tail = " AS SELECT * FROM " + Sql.table(renamed);
        // the view gets the table's grants, so every role keeps exactly the access it had
        String body = "DECLARE\n  g record;\nBEGIN\n"
                + "  IF pg_catalog.current_setting('server_version_num')::int >= 150000 THEN\n"
                + "    EXECUTE " + Sql.literal(head + " WITH (security_invoker = true)" + tail) + ";\n"
                + "  ELSE\n"
                + "    EXECUTE " + Sql.literal(head + tail) + ";\n"
                + "  END IF;\n"
                + "  FOR g IN SELECT a.privilege_type, a.is_grantable, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + " ELSE pg_catalog.quote_ident(r.rolname) END AS grantee\n"
                + "    FROM pg_catalog.pg_class t CROSS JOIN LATERAL pg_catalog.aclexplode(t.relacl) a\n"
                + "    LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee\n"
                + "    WHERE t.oid = " + Sql.literal(Sql.table(renamed)) + "::pg_catalog.regclass"
                + " AND a.grantee <> t.relowner\n"
                + "      AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES', 'TRIGGER')\n"
                + "  LOOP\n"
                + "    EXECUTE 'GRANT ' || g.privilege_type || ' ON ' || " + Sql.literal(Sql.table(old))
                + " || ' TO ' || g.grantee || CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END;\n"
                + "  END LOOP;\nEND\n";
        return List.of(Units.locked(
                phase,
                List.of(id),
                old,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(
                        new RenderedStatement(
                                "ALTER TABLE " + Sql.table(old) + " RENAME TO " + Sql.ident(c.newName()),
                                LockMode.ACCESS_EXCLUSIVE,
                                old,
                                false,
                                false,
                                "catalog-only"),
                        new RenderedStatement(
                                "DO " + Sql.dollarQuoted(body),
                                LockMode.NONE,
                                null,
                                false,
                                false,
                                "the old name becomes an updatable view of the table, with the table's grants; the old"
                                        + " version reads and writes through it (not COPY)")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, RenameTable c) {
        TableName old = ctx.qualify(c.table());
        TableName renamed = ctx.qualify(c.renamed());
        return List.of(Units.locked(
                        Phase.EXPAND,
                        List.of(id),
                        renamed,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(
                                RenderedStatement.of(
                                        "DROP VIEW IF EXISTS " + Sql.table(old), LockMode.ACCESS_EXCLUSIVE, old),
                                RenderedStatement.of(
                                        "ALTER TABLE " + Sql.table(renamed) + " RENAME TO " + Sql.ident(old.name()),
                                        LockMode.ACCESS_EXCLUSIVE,
                                        renamed)),
                        true)
                .requiring(id));
    }
}
