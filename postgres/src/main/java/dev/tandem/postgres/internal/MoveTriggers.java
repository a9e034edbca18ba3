package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
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
        this.stem = Names.moveStem(planId, move);
        this.stateSchema = stateSchema;
        this.source = source;
        this.target = target;
        this.sourceKey = facts.key().get(0).name();
        this.targetKey = move.targetKey();
        this.columns = move.columns();
        this.ownerOid = facts.ownerOid();
        this.given = given(move, facts, "NEW.");
    }

    /**
     * {@return whether a source row holds a value of its own in a moved column: one that is not null and not what the
     * column's default gives (so an insert that leaves every moved column out, as the new version's does, creates no
     * target row for the new version's own insert to collide with); a volatile default (now(), random()) cannot be told
     * apart and never decides}
     *
     * @param move the move
     * @param facts the source table's facts
     * @param prefix the row reference, such as {@code NEW.}
     */
    static String given(MoveColumns move, TableFacts facts, String prefix) {
        List<String> parts = new ArrayList<>();
        for (Identifier c : move.columns()) {
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

    private String function(String side) {
        return Sql.ident(stateSchema) + '.' + Sql.ident(stem + "_" + side);
    }

    private static List<Identifier> sourceTriggers(String stem) {
        return List.of(Identifier.of(stem + "_mvi"), Identifier.of(stem + "_mvu"));
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
        String stem = Names.moveStem(planId, move);
        List<RenderedStatement> out = new ArrayList<>();
        for (Identifier t : sourceTriggers(stem)) {
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
