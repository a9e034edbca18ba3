package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.ColumnFacts;
import dev.tandem.postgres.internal.ConstraintFacts;
import dev.tandem.postgres.internal.IndexFacts;
import dev.tandem.postgres.internal.Names;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import dev.tandem.postgres.internal.TableFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The swap of a type change, at contract. Before the table's unit: the shadow's {@code NOT NULL}, as a {@code CHECK}
 * added {@code NOT VALID} and validated while reads and writes go on. In the table's unit, after the sync trigger is
 * dropped: foreign keys that reference the column are dropped, the shadow takes the default and the sequence, the old
 * column is dropped (with its indexes and constraints), the shadow is renamed, {@code SET NOT NULL} (proven by the
 * check), primary key and unique constraints attached {@code USING INDEX} of the copies built after the backfill, other
 * copies renamed, the column's checks and foreign keys re-added {@code NOT VALID}. After it: those are validated (a
 * constraint that was {@code NOT VALID} before is validated too).
 * Every unit before and after checks what exists, so a contract that stopped anywhere runs again.
 */
final class SwapColumnChange implements ChangeRenderer<SwapColumn> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, SwapColumn c) {
        TableName t = ctx.qualify(c.table());
        List<SqlUnit> out = new ArrayList<>(before(ctx, c));
        List<RenderedStatement> body = new ArrayList<>(locks(ctx, c));
        body.addAll(swap(ctx, c));
        out.add(Units.locked(phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, body, false));
        out.addAll(after(ctx, c));
        return out;
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, SwapColumn c) {
        return List.of(); // contract only
    }

    private static boolean referencesColumn(ConstraintFacts k, Identifier column) {
        return k.foreignKey() && k.referencedColumns().contains(column);
    }

    private static boolean usesColumn(ConstraintFacts k, TableName t, Identifier column) {
        return k.owner().equals(t) && k.columns().contains(column) && !referencesColumn(k, column);
    }

    private static String withoutNotValid(String definition) {
        return definition.endsWith(" NOT VALID")
                ? definition.substring(0, definition.length() - " NOT VALID".length())
                : definition;
    }

    /** The units before the table's: the shadow's NOT NULL, checked without a long lock. */
    static List<SqlUnit> before(ChangeContext ctx, SwapColumn c) {
        TableName t = ctx.qualify(c.table());
        TableFacts facts = ctx.factsOf(t).orElse(null);
        ColumnFacts column = facts == null ? null : facts.column(c.column());
        if (column == null || !column.notNull()) {
            return List.of();
        }
        String check = Sql.ident(Names.swapNotNull(ctx.planId(), c.shadow()));
        String constraint = "EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass AND conname = "
                + Sql.literal(Names.swapNotNull(ctx.planId(), c.shadow()).value()) + ")";
        String validate = "BEGIN\n  IF " + constraint + " THEN\n    ALTER TABLE " + Sql.table(t)
                + " VALIDATE CONSTRAINT " + check + ";\n  END IF;\nEND\n";
        // no step markers: nothing here is destructive, and each runs again safely
        return List.of(
                Units.locked(
                        Phase.CONTRACT,
                        List.of(),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                Units.addNotNullCheckIfMissing(
                                        t, c.shadow(), Names.swapNotNull(ctx.planId(), c.shadow())),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: the shadow's NOT NULL, checked for new writes")),
                        false),
                Units.locked(
                        Phase.CONTRACT,
                        List.of(),
                        t,
                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                "DO " + Sql.dollarQuoted(validate),
                                LockMode.SHARE_UPDATE_EXCLUSIVE,
                                t,
                                false,
                                true,
                                "reads and writes go on")),
                        false));
    }

    /** The locks the swap takes, after the table's: each table whose foreign keys reference the column. */
    static List<RenderedStatement> locks(ChangeContext ctx, SwapColumn c) {
        TableName t = ctx.qualify(c.table());
        TableFacts facts = ctx.factsOf(t).orElse(null);
        Set<TableName> others = new LinkedHashSet<>();
        if (facts != null) {
            for (ConstraintFacts k : facts.constraints()) {
                if (referencesColumn(k, c.column()) && !k.owner().equals(t)) {
                    others.add(k.owner());
                }
            }
        }
        List<RenderedStatement> out = new ArrayList<>();
        for (TableName o : others) {
            out.add(Units.lock(o, LockMode.ACCESS_EXCLUSIVE));
        }
        return out;
    }

    /** The swap's statements, in the table's unit after the sync trigger is dropped. */
    static List<RenderedStatement> swap(ChangeContext ctx, SwapColumn c) {
        TableName t = ctx.qualify(c.table());
        TableFacts facts = ctx.factsOf(t).orElse(null);
        List<RenderedStatement> out = new ArrayList<>();
        if (facts == null) {
            return out;
        }
        ColumnFacts column = facts.column(c.column());
        String alter = "ALTER TABLE " + Sql.table(t);
        String col = Sql.ident(c.column());
        String shadow = Sql.ident(c.shadow());
        for (ConstraintFacts k : facts.constraints()) {
            if (referencesColumn(k, c.column())) {
                out.add(RenderedStatement.of(
                        "ALTER TABLE " + Sql.table(k.owner()) + " DROP CONSTRAINT IF EXISTS " + Sql.ident(k.name()),
                        LockMode.ACCESS_EXCLUSIVE,
                        k.owner()));
            }
        }
        if (column != null && column.defaultSql() != null) {
            out.add(RenderedStatement.of(
                    alter + " ALTER COLUMN " + shadow + " SET DEFAULT " + column.defaultSql(),
                    LockMode.ACCESS_EXCLUSIVE,
                    t));
        }
        // a serial's sequence belongs to the column: it would go with it
        String sequence = "DECLARE\n  s text := pg_catalog.pg_get_serial_sequence(" + Sql.literal(Sql.table(t)) + ", "
                + Sql.literal(c.column().value()) + ");\nBEGIN\n  IF s IS NOT NULL THEN\n"
                + "    EXECUTE 'ALTER SEQUENCE ' || s || ' OWNED BY ' || " + Sql.literal(Sql.table(t) + '.' + shadow)
                + ";\n  END IF;\nEND\n";
        out.add(new RenderedStatement(
                "DO " + Sql.dollarQuoted(sequence),
                LockMode.NONE,
                null,
                false,
                false,
                "a sequence the column owns moves to the shadow"));
        out.add(new RenderedStatement(
                alter + " DROP COLUMN " + col,
                LockMode.ACCESS_EXCLUSIVE,
                t,
                false,
                false,
                "catalog-only; drops its indexes and constraints"));
        out.add(new RenderedStatement(
                alter + " RENAME COLUMN " + shadow + " TO " + col,
                LockMode.ACCESS_EXCLUSIVE,
                t,
                false,
                false,
                "both versions' name, now with the new type"));
        if (column != null && column.notNull()) {
            out.add(new RenderedStatement(
                    alter + " ALTER COLUMN " + col + " SET NOT NULL",
                    LockMode.ACCESS_EXCLUSIVE,
                    t,
                    false,
                    false,
                    "no scan: the validated CHECK proves it"));
            out.add(RenderedStatement.of(
                    alter + " DROP CONSTRAINT IF EXISTS " + Sql.ident(Names.swapNotNull(ctx.planId(), c.shadow())),
                    LockMode.ACCESS_EXCLUSIVE,
                    t));
        }
        String schema = Sql.ident(t.schemaName().orElseThrow()) + '.';
        for (IndexFacts i : facts.indexes()) {
            if (!i.onlyOn(c.column())) {
                continue;
            }
            Identifier copy = Names.swapIndex(ctx.planId(), i.name());
            if (i.constraint() != null && (i.primary() || i.unique())) {
                out.add(new RenderedStatement(
                        alter + " ADD CONSTRAINT " + Sql.ident(i.constraint())
                                + (i.primary() ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + Sql.ident(copy),
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: the index built after the backfill"));
                if (!i.constraint().equals(i.name())) {
                    out.add(RenderedStatement.of(
                            "ALTER INDEX " + schema + Sql.ident(i.constraint()) + " RENAME TO " + Sql.ident(i.name()),
                            LockMode.ACCESS_EXCLUSIVE,
                            t));
                }
            } else {
                out.add(RenderedStatement.of(
                        "ALTER INDEX " + schema + Sql.ident(copy) + " RENAME TO " + Sql.ident(i.name()),
                        LockMode.ACCESS_EXCLUSIVE,
                        t));
            }
        }
        for (ConstraintFacts k : facts.constraints()) {
            if (usesColumn(k, t, c.column()) || referencesColumn(k, c.column())) {
                out.add(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(k.owner()) + " ADD CONSTRAINT " + Sql.ident(k.name()) + ' '
                                + withoutNotValid(k.definition()) + " NOT VALID",
                        k.foreignKey() ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE,
                        k.owner(),
                        false,
                        false,
                        "catalog-only: validated after the swap"));
            }
        }
        return out;
    }

    /** The units after the table's: the re-added constraints, validated while writes go on. */
    static List<SqlUnit> after(ChangeContext ctx, SwapColumn c) {
        TableName t = ctx.qualify(c.table());
        TableFacts facts = ctx.factsOf(t).orElse(null);
        List<SqlUnit> out = new ArrayList<>();
        if (facts == null) {
            return out;
        }
        for (ConstraintFacts k : facts.constraints()) {
            // every one, also those that were NOT VALID before: a contract that stopped after the swap cannot tell
            // them apart any more, and validating one that holds changes nothing
            if (usesColumn(k, t, c.column()) || referencesColumn(k, c.column())) {
                out.add(Units.locked(
                        Phase.CONTRACT,
                        List.of(),
                        k.owner(),
                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                "ALTER TABLE " + Sql.table(k.owner()) + " VALIDATE CONSTRAINT " + Sql.ident(k.name()),
                                LockMode.SHARE_UPDATE_EXCLUSIVE,
                                k.owner(),
                                false,
                                true,
                                "reads and writes go on")),
                        false));
            }
        }
        return out;
    }
}
