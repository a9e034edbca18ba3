package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of a column move: the new table, and the triggers that keep it and the source table's columns equal while
 * both application versions run. Pure.
 *
 * <p>Both sides are written by {@code AFTER} row triggers, each a {@code SECURITY INVOKER} function with Tandem's
 * pinned settings (see {@link SyncTriggers}): a writer of one table writes the other with its own rights, which is why
 * the new table gets the source table's owner and grants. Each trigger writes the other side only where it differs, so
 * the write it causes there finds nothing left to do and the pair never loops. The state they keep: a source row's
 * moved columns equal its target row's, or it has no target row and the columns are all null.
 */
public final class MoveTriggers {

    private final String stem;
    private final Identifier stateSchema;
    private final TableName source;
    private final TableName target;
    private final Identifier sourceKey;
    private final Identifier targetKey;
    private final List<Identifier> columns;
    private final long ownerOid;
    private final String given;
    private final boolean deletesTarget;

    /**
     * Creates the SQL of one move.
     *
     * @param planId the plan
     * @param stateSchema Tandem's state schema, where the functions live
     * @param move the move
     * @param source the qualified source table
     * @param target the qualified new table
     * @param facts the source table's facts: its one-column primary key, the moved columns' defaults, and its owner,
     *     whose members' backfill batches skip the triggers
     */
    public MoveTriggers(
            String planId,
            Identifier stateSchema,
            MoveColumns move,
            TableName source,
            TableName target,
            TableFacts facts) {
        this(
                Names.moveStem(planId, move),
                stateSchema,
                source,
                facts.key().get(0).name(),
                target,
                move.targetKey(),
                move.columns(),
                facts.ownerOid(),
                given(move.columns(), facts, "NEW."),
                false);
    }

    /**
     * The pair of tables a move or a merge keeps in sync: {@code source} holds the columns in its rows, {@code target}
     * one row per row of it.
     *
     * @param stem the stem of the names
     * @param stateSchema the state schema
     * @param source the qualified table that holds the columns in its rows
     * @param sourceKey its one-column primary key
     * @param target the qualified table with one row per row of {@code source}
     * @param targetKey its primary key, which references {@code sourceKey}
     * @param columns the columns both have
     * @param ownerOid the owner of {@code source}, whose members' backfill batches skip its triggers
     * @param given the insert condition of a source row that holds a value of its own, over {@code NEW}
     * @param deletesTarget whether a delete of a source row deletes its target row first (the foreign key may not
     *     cascade)
     */
    MoveTriggers(
            String stem,
            Identifier stateSchema,
            TableName source,
            Identifier sourceKey,
            TableName target,
            Identifier targetKey,
            List<Identifier> columns,
            long ownerOid,
            String given,
            boolean deletesTarget) {
        this.stem = stem;
        this.stateSchema = stateSchema;
        this.source = source;
        this.target = target;
        this.sourceKey = sourceKey;
        this.targetKey = targetKey;
        this.columns = List.copyOf(columns);
        this.ownerOid = ownerOid;
        this.given = given;
        this.deletesTarget = deletesTarget;
    }

    /**
     * {@return whether a source row holds a value of its own in a moved column: one that is not null and not what the
     * column's default gives (so an insert that leaves every moved column out, as the new version's does, creates no
     * target row for the new version's own insert to collide with); a volatile default (now(), random()) cannot be told
     * apart and never decides}
     *
     * @param columns the columns
     * @param facts facts that describe the columns' defaults (the source table's, or for a merge the table they leave)
     * @param prefix the row reference, such as {@code NEW.}
     */
    static String given(List<Identifier> columns, TableFacts facts, String prefix) {
        List<String> parts = new ArrayList<>();
        for (Identifier c : columns) {
            ColumnFacts col = facts.column(c);
            String ref = prefix + Sql.ident(c);
            if (col == null || col.defaultSql() == null) {
                parts.add(ref + " IS NOT NULL");
            } else if (!col.defaultVolatile()) {
                parts.add(ref + " IS DISTINCT FROM (" + col.defaultSql() + ") AND " + ref + " IS NOT NULL");
            }
        }
        return parts.isEmpty() ? "false" : "(" + String.join(") OR (", parts) + ")";
    }

    /**
     * {@return the triggers of a merge: {@code into} holds the columns in its rows, {@code table} one row per row of it}
     *
     * @param planId the plan
     * @param stateSchema the state schema
     * @param merge the merge
     * @param into the qualified table that takes the columns
     * @param intoFacts its facts: a one-column primary key, its owner
     * @param table the qualified table the columns leave
     * @param tableFacts its facts: a one-column primary key, the columns' defaults
     */
    public static MoveTriggers forMerge(
            String planId,
            Identifier stateSchema,
            MergeColumns merge,
            TableName into,
            TableFacts intoFacts,
            TableName table,
            TableFacts tableFacts) {
        return new MoveTriggers(
                Names.mergeStem(planId, merge),
                stateSchema,
                into,
                intoFacts.key().get(0).name(),
                table,
                tableFacts.key().get(0).name(),
                merge.columns(),
                intoFacts.ownerOid(),
                given(merge.columns(), tableFacts, "NEW."),
                true);
    }

    /**
     * {@return the statements that drop a merge's triggers and functions, those that exist}
     *
     * @param planId the plan
     * @param stateSchema the state schema
     * @param merge the merge
     * @param into the qualified table that takes the columns
     * @param table the qualified table the columns leave
     */
    public static List<RenderedStatement> dropMerge(
            String planId, Identifier stateSchema, MergeColumns merge, TableName into, TableName table) {
        return drop(Names.mergeStem(planId, merge), stateSchema, into, table, true);
    }

    /**
     * {@return the names of a merge's triggers, on both tables}
     *
     * @param planId the plan
     * @param merge the merge
     */
    public static List<String> mergeTriggerNames(String planId, MergeColumns merge) {
        return triggerNames(Names.mergeStem(planId, merge));
    }

    private String function(String side) {
        return Sql.ident(stateSchema) + '.' + Sql.ident(stem + "_" + side);
    }

    private static List<Identifier> sourceTriggers(String stem) {
        return List.of(Identifier.of(stem + "_mvi"), Identifier.of(stem + "_mvu"));
    }

    /**
     * The merge's delete trigger on the source table. AFTER row triggers of one event fire in name order, and this name
     * sorts before PostgreSQL's foreign-key triggers ({@code RI_ConstraintTrigger_...}): the target row is gone when a
     * {@code NO ACTION} or {@code RESTRICT} foreign key checks, so the new version's delete works.
     */
    private static Identifier deleteTrigger(String stem) {
        return Identifier.of("RI_0_" + stem + "_mwd");
    }

    /**
     * {@return the names of every trigger of a pair, on both tables}
     *
     * @param stem the stem of the names
     */
    static List<String> triggerNames(String stem) {
        List<String> out = new ArrayList<>();
        for (Identifier t : sourceTriggers(stem)) {
            out.add(t.value());
        }
        out.add(deleteTrigger(stem).value());
        for (Identifier t : targetTriggers(stem)) {
            out.add(t.value());
        }
        return out;
    }

    /**
     * {@return the names of the triggers a move puts on its source table}
     *
     * @param planId the plan
     * @param move the move
     */
    public static List<String> sourceTriggerNames(String planId, MoveColumns move) {
        return sourceTriggers(Names.moveStem(planId, move)).stream()
                .map(Identifier::value)
                .collect(Collectors.toList());
    }

    private static List<Identifier> targetTriggers(String stem) {
        return List.of(Identifier.of(stem + "_mti"), Identifier.of(stem + "_mtu"), Identifier.of(stem + "_mtd"));
    }

    /** {@return the statements that install both functions and all triggers; the unit holds the source's lock} */
    public List<RenderedStatement> install() {
        List<RenderedStatement> out = new ArrayList<>();
        out.add(RenderedStatement.unlocked(sourceFunction()));
        out.add(RenderedStatement.unlocked(targetFunction()));
        for (String side : List.of("source", "target")) {
            out.add(RenderedStatement.unlocked("REVOKE ALL ON FUNCTION " + function(side) + "() FROM PUBLIC"));
        }
        List<Identifier> st = sourceTriggers(stem);
        List<Identifier> tt = targetTriggers(stem);
        String sourceFn = function("source") + "()";
        String targetFn = function("target") + "()";
        out.add(RenderedStatement.of(
                "CREATE TRIGGER " + Sql.ident(st.get(0)) + " AFTER INSERT ON " + Sql.table(source)
                        + " FOR EACH ROW\n  WHEN (" + notBypassed() + " AND (" + given + "))\n"
                        + "  EXECUTE FUNCTION " + sourceFn,
                LockMode.SHARE_ROW_EXCLUSIVE,
                source));
        out.add(RenderedStatement.of(
                "CREATE TRIGGER " + Sql.ident(st.get(1)) + " AFTER UPDATE OF " + Sql.idents(columns) + " ON "
                        + Sql.table(source) + " FOR EACH ROW\n  WHEN (" + notBypassed() + " AND ROW("
                        + list(columns, "OLD.") + ") IS DISTINCT FROM ROW(" + list(columns, "NEW.") + "))\n"
                        + "  EXECUTE FUNCTION " + sourceFn,
                LockMode.SHARE_ROW_EXCLUSIVE,
                source));
        if (deletesTarget) {
            out.add(RenderedStatement.of(
                    "CREATE TRIGGER " + Sql.ident(deleteTrigger(stem)) + " AFTER DELETE ON " + Sql.table(source)
                            + " FOR EACH ROW\n  WHEN (" + notBypassed() + ")\n  EXECUTE FUNCTION " + sourceFn,
                    LockMode.SHARE_ROW_EXCLUSIVE,
                    source));
        }
        List<Identifier> keyed = new ArrayList<>(columns);
        keyed.add(0, targetKey);
        out.add(RenderedStatement.of(
                "CREATE TRIGGER " + Sql.ident(tt.get(0)) + " AFTER INSERT ON " + Sql.table(target)
                        + " FOR EACH ROW\n  WHEN (" + notBypassed() + ")\n  EXECUTE FUNCTION " + targetFn,
                LockMode.SHARE_ROW_EXCLUSIVE,
                target));
        out.add(RenderedStatement.of(
                "CREATE TRIGGER " + Sql.ident(tt.get(1)) + " AFTER UPDATE ON " + Sql.table(target)
                        + " FOR EACH ROW\n  WHEN (" + notBypassed() + " AND ROW(" + list(keyed, "OLD.")
                        + ") IS DISTINCT FROM ROW(" + list(keyed, "NEW.") + "))\n  EXECUTE FUNCTION " + targetFn,
                LockMode.SHARE_ROW_EXCLUSIVE,
                target));
        out.add(RenderedStatement.of(
                "CREATE TRIGGER " + Sql.ident(tt.get(2)) + " AFTER DELETE ON " + Sql.table(target)
                        + " FOR EACH ROW\n  WHEN (" + notBypassed() + ")\n  EXECUTE FUNCTION " + targetFn,
                LockMode.SHARE_ROW_EXCLUSIVE,
                target));
        return out;
    }

    /**
     * {@return the statements that drop a move's triggers and functions, those that exist; the unit locks both tables
     * ACCESS EXCLUSIVE}
     *
     * @param planId the plan
     * @param stateSchema Tandem's state schema
     * @param move the move
     * @param source the qualified source table
     * @param target the qualified new table
     */
    public static List<RenderedStatement> drop(
            String planId, Identifier stateSchema, MoveColumns move, TableName source, TableName target) {
        return drop(Names.moveStem(planId, move), stateSchema, source, target, false);
    }

    /**
     * {@return the statements that drop a pair's triggers and functions, those that exist}
     *
     * @param stem the stem of the names
     * @param stateSchema Tandem's state schema
     * @param source the qualified table that holds the columns in its rows
     * @param target the qualified table with one row per row of it
     * @param deletesTarget whether the pair has the merge's delete trigger
     */
    static List<RenderedStatement> drop(
            String stem, Identifier stateSchema, TableName source, TableName target, boolean deletesTarget) {
        List<RenderedStatement> out = new ArrayList<>();
        List<Identifier> onSource = new ArrayList<>(sourceTriggers(stem));
        if (deletesTarget) {
            onSource.add(deleteTrigger(stem));
        }
        for (Identifier t : onSource) {
            out.add(RenderedStatement.of(
                    "DROP TRIGGER IF EXISTS " + Sql.ident(t) + " ON " + Sql.table(source),
                    LockMode.ACCESS_EXCLUSIVE,
                    source));
        }
        // a rollback that stopped after the table's drop runs again
        out.add(RenderedStatement.of(
                "DO "
                        + Sql.dollarQuoted("BEGIN\n  IF pg_catalog.to_regclass(" + Sql.literal(Sql.table(target))
                                + ") IS NOT NULL THEN\n"
                                + targetTriggers(stem).stream()
                                        .map(t -> "    DROP TRIGGER IF EXISTS " + Sql.ident(t) + " ON "
                                                + Sql.table(target) + ";\n")
                                        .collect(Collectors.joining())
                                + "  END IF;\nEND\n"),
                LockMode.ACCESS_EXCLUSIVE,
                target));
        for (String side : List.of("source", "target")) {
            out.add(RenderedStatement.unlocked(
                    "DROP FUNCTION IF EXISTS " + Sql.ident(stateSchema) + '.' + Sql.ident(stem + "_" + side) + "()"));
        }
        return out;
    }

    /**
     * A write of the source table's moved columns: the target row takes the values where it differs; a row without
     * one gets one when a value is not null.
     */
    String sourceFunction() {
        String body = "BEGIN\n"
                + (deletesTarget
                        ? "  IF TG_OP = 'DELETE' THEN\n    DELETE FROM " + Sql.table(target) + " AS m WHERE m."
                                + Sql.ident(targetKey) + " = OLD." + Sql.ident(sourceKey) + ";\n    RETURN NULL;\n"
                                + "  END IF;\n"
                        : "")
                + "  UPDATE " + Sql.table(target) + " AS m SET " + assignments("NEW.") + "\n"
                + "    WHERE m." + Sql.ident(targetKey) + " = NEW." + Sql.ident(sourceKey) + " AND ROW("
                + list(columns, "m.") + ") IS DISTINCT FROM ROW(" + list(columns, "NEW.") + ");\n"
                + "  IF NOT FOUND AND (" + anyNotNull("NEW.") + ") AND NOT EXISTS (SELECT FROM " + Sql.table(target)
                + " AS m WHERE m." + Sql.ident(targetKey) + " = NEW." + Sql.ident(sourceKey) + ") THEN\n"
                + "    INSERT INTO " + Sql.table(target) + " AS m (" + Sql.ident(targetKey) + ", "
                + Sql.idents(columns) + ")\n      VALUES (NEW." + Sql.ident(sourceKey) + ", " + list(columns, "NEW.")
                + ")\n      ON CONFLICT (" + Sql.ident(targetKey) + ") DO UPDATE SET " + assignments("EXCLUDED.")
                + "\n      WHERE ROW(" + list(columns, "m.") + ") IS DISTINCT FROM ROW(" + list(columns, "EXCLUDED.")
                + ");\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n";
        return "CREATE OR REPLACE FUNCTION " + function("source") + "() RETURNS trigger\n"
                + "LANGUAGE plpgsql SECURITY INVOKER\n" + SyncTriggers.EXPRESSION_SETTINGS + "AS "
                + Sql.dollarQuoted(body);
    }

    /**
     * A write of the new table: the source row takes its values; a deleted row, or one moved to another key, leaves
     * the row it belonged to with nulls.
     */
    String targetFunction() {
        String clear = "    UPDATE " + Sql.table(source) + " AS s SET "
                + columns.stream().map(c -> Sql.ident(c) + " = NULL").collect(Collectors.joining(", "))
                + "\n      WHERE s." + Sql.ident(sourceKey) + " = OLD." + Sql.ident(targetKey) + " AND ("
                + anyNotNull("s.") + ");\n";
        String body = "BEGIN\n"
                + "  IF TG_OP = 'DELETE' THEN\n" + clear + "    RETURN NULL;\n  END IF;\n"
                + "  IF TG_OP = 'UPDATE' THEN\n    IF OLD." + Sql.ident(targetKey) + " IS DISTINCT FROM NEW."
                + Sql.ident(targetKey) + " THEN\n  " + clear.replace("\n    ", "\n      ") + "    END IF;\n  END IF;\n"
                + "  UPDATE " + Sql.table(source) + " AS s SET " + assignments("NEW.") + "\n"
                + "    WHERE s." + Sql.ident(sourceKey) + " = NEW." + Sql.ident(targetKey) + " AND ROW("
                + list(columns, "s.") + ") IS DISTINCT FROM ROW(" + list(columns, "NEW.") + ");\n"
                + "  RETURN NULL;\n"
                + "END\n";
        return "CREATE OR REPLACE FUNCTION " + function("target") + "() RETURNS trigger\n"
                + "LANGUAGE plpgsql SECURITY INVOKER\n" + SyncTriggers.EXPRESSION_SETTINGS + "AS "
                + Sql.dollarQuoted(body);
    }

    /** As in {@link SyncTriggers}: only members of the owner role (the backfill's batches) may switch the sync off. */
    private String notBypassed() {
        return "NOT (COALESCE(pg_catalog.current_setting('" + Names.SYNC_SETTING + "', true), '') = 'off'"
                + " AND pg_catalog.pg_has_role(CURRENT_USER, " + ownerOid + "::pg_catalog.oid, 'MEMBER'))";
    }

    private String assignments(String from) {
        return columns.stream()
                .map(c -> Sql.ident(c) + " = " + from + Sql.ident(c))
                .collect(Collectors.joining(", "));
    }

    private String anyNotNull(String prefix) {
        return SyncTriggers.anyNotNull(columns, prefix);
    }

    private static String list(List<Identifier> ids, String prefix) {
        return ids.stream().map(c -> prefix + Sql.ident(c)).collect(Collectors.joining(", "));
    }
}
