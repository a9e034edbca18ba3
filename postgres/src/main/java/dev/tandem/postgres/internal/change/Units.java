package dev.tandem.postgres.internal.change;

import static java.util.Objects.requireNonNull;

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

/** Shapes of units the change renderers share. */
public final class Units {
    private Units() {}

    /**
     * {@return one transaction that takes the strongest lock first (no upgrade mid-transaction, one wait bounded by
     * {@code lock_timeout}), then runs {@code body}}
     *
     * @param phase phase
     * @param steps the steps it completes
     * @param t the table
     * @param mode the lock
     * @param body the statements
     * @param rollback whether it belongs to a rollback
     */
    public static SqlUnit locked(
            Phase phase,
            List<StepId> steps,
            TableName t,
            LockMode mode,
            List<RenderedStatement> body,
            boolean rollback) {
        List<RenderedStatement> all = new ArrayList<>();
        all.add(lock(t, mode));
        all.addAll(body);
        return new SqlUnit(phase, steps, all, true, t, mode, rollback);
    }

    /**
     * {@return {@code LOCK TABLE ONLY t IN mode MODE}}
     *
     * @param t the table
     * @param mode the mode
     */
    public static RenderedStatement lock(TableName t, LockMode mode) {
        return new RenderedStatement(
                "LOCK TABLE ONLY " + Sql.table(t) + " IN " + mode.sqlName() + " MODE", mode, t, false, false, "");
    }

    /**
     * {@return one statement outside a transaction, such as a concurrent index build}
     *
     * @param phase phase
     * @param step the step it completes
     * @param statement the statement
     * @param rollback whether it belongs to a rollback
     */
    public static SqlUnit outside(Phase phase, StepId step, RenderedStatement statement, boolean rollback) {
        return new SqlUnit(
                phase, List.of(step), List.of(statement), false, statement.relation(), statement.lock(), rollback);
    }

    /**
     * {@return the index (or other relation) {@code name} in {@code table}'s schema, quoted}
     *
     * @param table a qualified table
     * @param name the name
     */
    public static String inSchemaOf(TableName table, Identifier name) {
        return Sql.ident(requireNonNull(table.schema(), "schema")) + '.' + Sql.ident(name);
    }

    /**
     * {@return a {@code DO} block that adds {@code CHECK (column IS NOT NULL) NOT VALID} named {@code check}, unless it
     * exists or the column does not (a contract that stopped after the column's drop runs again)}
     *
     * @param t the qualified table
     * @param column the column
     * @param check the check's name
     */
    public static String addNotNullCheckIfMissing(TableName t, Identifier column, Identifier check) {
        String table = Sql.literal(Sql.table(t)) + "::pg_catalog.regclass";
        String missing = "NOT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = " + table
                + " AND conname = " + Sql.literal(check.value())
                + ") AND EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = " + table + " AND attname = "
                + Sql.literal(column.value()) + " AND NOT attisdropped)";
        String add = "BEGIN\n  IF " + missing + " THEN\n    ALTER TABLE " + Sql.table(t) + " ADD CONSTRAINT "
                + Sql.ident(check) + " CHECK (" + Sql.ident(column) + " IS NOT NULL) NOT VALID;\n  END IF;\nEND\n";
        return "DO " + Sql.dollarQuoted(add);
    }

    /**
     * {@return Tandem's table of what steps replaced, for their rollback}
     *
     * @param ctx the plan's context
     */
    static String saved(ChangeContext ctx) {
        return Sql.ident(ctx.stateSchema()) + ".\"saved\"";
    }

    /**
     * {@return the statement that saves what step {@code id} replaces, for its rollback, in the step's transaction}
     *
     * @param ctx the plan's context
     * @param id the step
     * @param select the rest of a {@code SELECT} after its select list's first two items: the value, and its
     *     {@code FROM} and {@code WHERE}
     * @param note what is saved
     */
    static RenderedStatement save(ChangeContext ctx, StepId id, String select, String note) {
        return new RenderedStatement(
                "INSERT INTO " + saved(ctx) + " (plan_id, step_id, value) SELECT " + Sql.literal(ctx.planId()) + ", "
                        + Sql.literal(id.value()) + ", " + select
                        + " ON CONFLICT (plan_id, step_id) DO UPDATE SET value = EXCLUDED.value",
                LockMode.NONE,
                null,
                false,
                false,
                note);
    }

    /**
     * {@return the rollback unit that puts back what step {@code id} saved: a {@code DO} block with the saved value in
     * {@code v}, running {@code body}; it runs only if the step ran}
     *
     * @param ctx the plan's context
     * @param id the step
     * @param t the qualified table, locked ACCESS EXCLUSIVE
     * @param body PL/pgSQL statements that use {@code v}
     * @param note what the block does
     */
    static SqlUnit restoreSaved(ChangeContext ctx, StepId id, TableName t, String body, String note) {
        String block = "DECLARE\n  v text;\nBEGIN\n  SELECT s.value INTO v FROM " + saved(ctx)
                + " s WHERE s.plan_id = " + Sql.literal(ctx.planId()) + " AND s.step_id = " + Sql.literal(id.value())
                + ";\n" + body + "END\n";
        return locked(
                        Phase.EXPAND,
                        List.of(StepId.of(id.value() + "/restore")),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                "DO " + Sql.dollarQuoted(block), LockMode.ACCESS_EXCLUSIVE, t, false, false, note)),
                        true)
                .requiring(id);
    }
}
