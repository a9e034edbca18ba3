package dev.tandem.postgres.internal.change;

import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ADD CONSTRAINT} in its form without a scan: {@code CHECK ... NOT VALID} (ACCESS EXCLUSIVE for a moment), a
 * foreign key {@code NOT VALID} (SHARE ROW EXCLUSIVE on both tables for a moment), {@code UNIQUE USING INDEX} of the
 * unique index built concurrently before. Rollback drops it.
 */
final class AddConstraintChange implements ChangeRenderer<AddConstraint> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, AddConstraint c) {
        TableName t = ctx.qualify(c.table());
        String add = "ALTER TABLE " + Sql.table(t) + " ADD CONSTRAINT " + Sql.ident(c.name()) + ' ';
        return c.definition().accept(new ConstraintDefinition.Visitor<List<SqlUnit>>() {
            @Override
            public List<SqlUnit> visitCheck(ConstraintDefinition.Check k) {
                return List.of(Units.locked(
                        phase,
                        List.of(id),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                add + "CHECK (" + k.condition().sql() + ") NOT VALID",
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: every write is checked from now on; existing rows are validated"
                                        + " later without blocking writes")),
                        false));
            }

            @Override
            public List<SqlUnit> visitForeignKey(ConstraintDefinition.ForeignKey k) {
                TableName ref = ctx.qualify(k.referencedTable());
                List<RenderedStatement> body = new ArrayList<>();
                if (!ref.equals(t)) {
                    body.add(Units.lock(ref, LockMode.SHARE_ROW_EXCLUSIVE));
                }
                body.add(new RenderedStatement(
                        add + "FOREIGN KEY (" + Sql.idents(k.columns()) + ") REFERENCES " + Sql.table(ref) + " ("
                                + Sql.idents(k.referencedColumns()) + ") ON DELETE "
                                + k.onDelete().sql()
                                + " ON UPDATE " + k.onUpdate().sql() + " NOT VALID",
                        LockMode.SHARE_ROW_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: writes to both tables wait a moment, reads go on; every write is checked"
                                + " from now on, existing rows are validated later"));
                return List.of(Units.locked(phase, List.of(id), t, LockMode.SHARE_ROW_EXCLUSIVE, body, false));
            }

            @Override
            public List<SqlUnit> visitPrimaryKey(ConstraintDefinition.PrimaryKey k) {
                List<RenderedStatement> body = new ArrayList<>();
                for (int i = 0; i < k.columns().size(); i++) {
                    body.add(new RenderedStatement(
                            "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN "
                                    + Sql.ident(k.columns().get(i)) + " SET NOT NULL",
                            LockMode.ACCESS_EXCLUSIVE,
                            t,
                            false,
                            false,
                            "no scan: the validated CHECK proves it"));
                }
                body.add(new RenderedStatement(
                        add + "PRIMARY KEY USING INDEX " + Sql.ident(c.name()),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: takes over the unique index built concurrently"));
                for (Identifier check : k.notNullChecks()) {
                    body.add(DropConstraintChange.statement(t, check));
                }
                return List.of(Units.locked(phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, body, false));
            }

            @Override
            public List<SqlUnit> visitUnique(ConstraintDefinition.Unique k) {
                return List.of(Units.locked(
                        phase,
                        List.of(id),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                add + "UNIQUE USING INDEX " + Sql.ident(c.name()),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: takes over the unique index built concurrently")),
                        false));
            }
        });
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, AddConstraint c) {
        TableName t = ctx.qualify(c.table());
        return List.of(Units.locked(
                        Phase.EXPAND,
                        List.of(id),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(DropConstraintChange.statement(t, c.name())),
                        true)
                .requiring(id));
    }
}
