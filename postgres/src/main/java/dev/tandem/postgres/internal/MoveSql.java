package dev.tandem.postgres.internal;

import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.PostgresRenderer.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The backfill and verify statements of a column move, over key ranges of the source table. Pure.
 *
 * <p>A batch copies the moved columns of the range's rows that have a value of their own (see {@link
 * MoveTriggers#given}) into the new table, skipping rows that
 * already have a target row: once the triggers exist, every write of either side reaches the other, so a target row
 * that exists is current. The batch reads the source rows {@code FOR KEY SHARE}: a row deleted meanwhile is skipped
 * instead of failing the foreign key, and a row updated meanwhile is read as committed.
 */
final class MoveSql {
    private MoveSql() {}

    private static MoveColumns move(BackfillMove step) {
        return step.move();
    }

    /**
     * {@return the backfill statements of a move}
     *
     * @param planId the plan
     * @param stateSchema the state schema
     * @param step the step
     * @param facts the source table's facts; it has a one-column key
     * @param target the qualified new table
     */
    static BackfillSql backfill(
            String planId, Identifier stateSchema, BackfillMove step, TableFacts facts, TableName target) {
        MoveColumns m = move(step);
        TableName t = facts.table();
        Identifier key = facts.key().get(0).name();
        Range r = PostgresRenderer.range(facts, "s.");
        Range copy = PostgresRenderer.map(
                r,
                p -> "INSERT INTO " + Sql.table(target) + " (" + Sql.ident(m.targetKey()) + ", "
                        + Sql.idents(m.columns()) + ")\nSELECT s." + Sql.ident(key) + ", " + list(m.columns(), "s.")
                        + " FROM " + Sql.table(t) + " s\nWHERE " + p + " AND ("
                        + MoveTriggers.given(m.columns(), facts, "s.")
                        + ")\nFOR KEY SHARE OF s\nON CONFLICT (" + Sql.ident(m.targetKey()) + ") DO NOTHING");
        Range bounds = PostgresRenderer.bounds(facts);
        Range counts = PostgresRenderer.counts(facts);
        @Nullable String nextKey = null;
        if (PostgresRenderer.INTEGER_TYPES.contains(facts.key().get(0).type())) {
            nextKey = "SELECT min(t." + Sql.ident(key) + ")::text FROM " + Sql.table(t) + " t WHERE t." + Sql.ident(key)
                    + " > ?::" + facts.key().get(0).type();
        }
        String estimate = "SELECT greatest(reltuples, 0)::bigint, relpages FROM pg_catalog.pg_class WHERE oid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass";
        // Application triggers on the new table that the batches' inserts would fire (the plan's own excluded).
        String appTriggers = "SELECT tg.tgname, tg.tgenabled::text FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = "
                + Sql.literal(Sql.table(target)) + "::pg_catalog.regclass AND NOT tg.tgisinternal"
                + " AND tg.tgname NOT LIKE 'tandem\\_sync\\_%' AND tg.tgenabled <> 'D' AND (tg.tgtype & 4) <> 0"
                + " AND ?::text[] IS NOT NULL ORDER BY tg.tgname";
        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                PostgresRenderer.maxKey(facts),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "once: the fixed upper bound, taken after the triggers exist"));
        explained.add(new RenderedStatement(
                "SET LOCAL " + Names.SYNC_SETTING + " = 'off'",
                LockMode.NONE,
                null,
                false,
                false,
                "per batch, each its own transaction: the new table's triggers skip the batch (honoured only for"
                        + " members of the table's owner)"));
        explained.add(new RenderedStatement(
                nextKey == null ? bounds.next() : nextKey,
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                nextKey == null
                        ? "per batch: finds the batch's upper key"
                        : "only after an empty batch: skips a gap in the keys; batches are key spans (lo, lo + size]"));
        explained.add(new RenderedStatement(
                copy.next(),
                LockMode.ROW_EXCLUSIVE,
                target,
                false,
                false,
                "per batch: key-share locks on the batch's source rows (deletes of them wait; updates do not),"
                        + " inserts into the new table"));
        explained.add(new RenderedStatement(
                "UPDATE " + Sql.ident(stateSchema) + ".\"backfills\""
                        + " SET cursor_key = ?, rows_done = rows_done + ?, batches = batches + 1, batch_size = ? WHERE"
                        + " plan_id = ? AND step_id = ?",
                LockMode.NONE,
                null,
                false,
                false,
                "per batch, same transaction: the resumable cursor"));
        return new BackfillSql(
                t,
                1,
                PostgresRenderer.maxKey(facts),
                bounds.first(),
                bounds.next(),
                counts.first(),
                counts.next(),
                copy.first(),
                copy.next(),
                null,
                null,
                "",
                List.of(),
                estimate,
                nextKey,
                appTriggers,
                explained);
    }

    /**
     * {@return the backfill statements of a merge: over key ranges of the table the columns leave, its rows (read {@code
     * FOR SHARE}, so a write of them meanwhile is either in before the batch reads or waits for it) set the columns
     * of their rows in the table that takes them, where those differ}
     *
     * @param step the step
     * @param table the facts of the table the columns leave; it has a one-column key
     * @param into the facts of the table that takes them, read after expand; it has a one-column key
     */
    static BackfillSql backfill(BackfillMerge step, TableFacts table, TableFacts into) {
        List<Identifier> columns = step.merge().columns();
        TableName t = table.table();
        TableName w = into.table();
        Identifier key = table.key().get(0).name();
        Identifier wideKey = into.key().get(0).name();
        Range r = PostgresRenderer.range(table, "n.");
        Range copy = PostgresRenderer.map(
                r,
                p -> "UPDATE " + Sql.table(w) + " AS w SET "
                        + columns.stream()
                                .map(c -> Sql.ident(c) + " = n." + Sql.ident(c))
                                .collect(Collectors.joining(", "))
                        + "\nFROM (SELECT n." + Sql.ident(key) + ", " + list(columns, "n.") + " FROM " + Sql.table(t)
                        + " n WHERE " + p + " FOR SHARE OF n) AS n\nWHERE w." + Sql.ident(wideKey) + " = n."
                        + Sql.ident(key) + " AND ROW(" + list(columns, "w.") + ") IS DISTINCT FROM ROW("
                        + list(columns, "n.") + ")");
        Range bounds = PostgresRenderer.bounds(table);
        Range counts = PostgresRenderer.counts(table);
        @Nullable String nextKey = null;
        if (PostgresRenderer.INTEGER_TYPES.contains(table.key().get(0).type())) {
            nextKey = "SELECT min(t." + Sql.ident(key) + ")::text FROM " + Sql.table(t) + " t WHERE t." + Sql.ident(key)
                    + " > ?::" + table.key().get(0).type();
        }
        String estimate = "SELECT greatest(reltuples, 0)::bigint, relpages FROM pg_catalog.pg_class WHERE oid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass";
        // Application UPDATE triggers of the merged columns on the table that takes them (the plan's own excluded).
        String appTriggers = "SELECT tg.tgname, tg.tgenabled::text FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = "
                + Sql.literal(Sql.table(w)) + "::pg_catalog.regclass AND NOT tg.tgisinternal"
                + " AND tg.tgname NOT LIKE 'tandem\\_sync\\_%' AND tg.tgname NOT LIKE 'RI\\_0\\_tandem\\_sync\\_%'"
                + " AND tg.tgenabled <> 'D' AND (tg.tgtype & 16) <> 0"
                + " AND (pg_catalog.cardinality(tg.tgattr::int2[]) = 0 OR tg.tgattr::int2[] && ARRAY(SELECT a.attnum FROM"
                + " pg_catalog.pg_attribute a WHERE a.attrelid = tg.tgrelid AND a.attname = ANY (?::text[]))::int2[])"
                + " ORDER BY tg.tgname";
        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                PostgresRenderer.maxKey(table),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "once: the fixed upper bound, taken after the triggers exist"));
        explained.add(new RenderedStatement(
                "SET LOCAL " + Names.SYNC_SETTING + " = 'off'",
                LockMode.NONE,
                null,
                false,
                false,
                "per batch, each its own transaction: the triggers skip the batch (honoured only for members of the"
                        + " table's owner)"));
        explained.add(new RenderedStatement(
                nextKey == null ? bounds.next() : nextKey,
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                nextKey == null
                        ? "per batch: finds the batch's upper key"
                        : "only after an empty batch: skips a gap in the keys; batches are key spans (lo, lo + size]"));
        explained.add(new RenderedStatement(
                copy.next(),
                LockMode.ROW_EXCLUSIVE,
                w,
                false,
                false,
                "per batch: share locks on the batch's rows of " + t.quoted() + ", row locks on the rows it sets"));
        return new BackfillSql(
                w,
                1,
                PostgresRenderer.maxKey(table),
                bounds.first(),
                bounds.next(),
                counts.first(),
                counts.next(),
                copy.first(),
                copy.next(),
                null,
                null,
                "",
                List.of(),
                estimate,
                nextKey,
                appTriggers,
                explained);
    }

    /**
     * {@return the verify statements of a move: a source row is consistent when its target row holds the same values,
     * or it has none and its moved columns hold no value of their own (null, or what their default gives)}
     *
     * @param step the step
     * @param facts the source table's facts; it has a one-column key
     * @param target the qualified new table
     */
    static VerifySql verify(BackfillMove step, TableFacts facts, TableName target) {
        return verify(step.move().columns(), facts, target, step.move().targetKey());
    }

    /**
     * {@return the verify statements of a merge, over the rows of the table that takes the columns}
     *
     * @param step the step
     * @param into the facts of the table that takes the columns, read after expand; it has a one-column key
     * @param table the facts of the table the columns leave; it has a one-column key
     */
    static VerifySql verify(BackfillMerge step, TableFacts into, TableFacts table) {
        return verify(
                step.merge().columns(), into, table.table(), table.key().get(0).name());
    }

    /** Over key ranges of the table that holds the columns in its rows, joined to the table with a row per row. */
    private static VerifySql verify(
            List<Identifier> columns, TableFacts facts, TableName target, Identifier targetKey) {
        TableName t = facts.table();
        Identifier key = facts.key().get(0).name();
        Range r = PostgresRenderer.range(facts, "t.");
        Range check = PostgresRenderer.map(
                r,
                p -> "SELECT count(*), count(*) FILTER (WHERE bad), (array_agg(key_text) FILTER (WHERE bad))[1:20]\n"
                        + "FROM (SELECT t." + Sql.ident(key) + "::text AS key_text,\n"
                        + "  CASE WHEN m." + Sql.ident(targetKey) + " IS NULL THEN "
                        + MoveTriggers.given(columns, facts, "t.") + "\n"
                        + "       ELSE ROW(" + list(columns, "t.") + ") IS DISTINCT FROM ROW("
                        + list(columns, "m.") + ") END AS bad\n"
                        + "  FROM " + Sql.table(t) + " t LEFT JOIN " + Sql.table(target) + " m ON m."
                        + Sql.ident(targetKey) + " = t." + Sql.ident(key) + " WHERE " + p + ") AS checked");
        Range bounds = PostgresRenderer.bounds(facts);
        Range counts = PostgresRenderer.counts(facts);
        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                bounds.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: finds the batch's upper key"));
        explained.add(new RenderedStatement(
                check.next(),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "per batch: read-only comparison of both tables, no row locks"));
        return new VerifySql(
                1,
                PostgresRenderer.maxKey(facts),
                bounds.first(),
                bounds.next(),
                counts.first(),
                counts.next(),
                "",
                "",
                "",
                "",
                check.first(),
                check.next(),
                "",
                List.of(),
                "",
                explained);
    }

    private static String list(List<Identifier> ids, String prefix) {
        return ids.stream().map(c -> prefix + Sql.ident(c)).collect(Collectors.joining(", "));
    }
}
