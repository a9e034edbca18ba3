package dev.tandem.postgres.internal;

import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.LockMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of one sync rule's triggers. Pure.
 *
 * <p>Security model: application roles are untrusted. The sync trigger runs as the writer ({@code SECURITY INVOKER}),
 * exactly like the writer's own statement, so nothing it calls can run with more rights than the writer has. Every
 * function Tandem creates pins {@code search_path = pg_catalog, pg_temp} (the path of Tandem's own sessions too), so
 * user expressions resolve the same in the trigger, the backfill and verify, and no function or operator planted in a
 * writable schema is picked up. The only code that runs with the migrator's rights on a writer's behalf is a small
 * recording function per rule: it takes key values, never SQL, and records a row only if the calling transaction
 * wrote that row itself and left it in the state an unmapped value leaves.
 */
final class SyncTriggers {

    /**
     * Settings of every function Tandem creates that evaluates user expressions. The time zone is fixed because
     * pgjdbc sets each session's zone to its JVM's: expressions over timestamps must not change with the app server.
     */
    static final String EXPRESSION_SETTINGS = "SET search_path = pg_catalog, pg_temp\nSET TimeZone = 'UTC'\n";

    private final String planId;
    private final Identifier stateSchema;
    private final DualWrite rule;
    private final TableFacts facts;
    private final TableName table;
    private final String p; // prefix of internal variable names, chosen so that it is not any column's

    SyncTriggers(String planId, Identifier stateSchema, DualWrite rule, TableFacts facts) {
        this.planId = planId;
        this.stateSchema = stateSchema;
        this.rule = rule;
        this.facts = facts;
        this.table = facts.table();
        this.p = internalPrefix(rule);
    }

    private static String internalPrefix(DualWrite rule) {
        List<Identifier> all = new ArrayList<>(rule.oldColumns());
        all.addAll(rule.newColumns());
        String prefix = "_tandem";
        for (int n = 2; ; n++) {
            String candidate = prefix;
            if (all.stream().noneMatch(c -> c.value().startsWith(candidate))) {
                return prefix;
            }
            prefix = "_tandem" + n + "x";
        }
    }

    private String fn(Identifier name) {
        return Sql.ident(stateSchema) + '.' + Sql.ident(name);
    }

    String syncFunctionName() {
        return fn(Names.syncFunction(planId, rule));
    }

    String noteFunctionName() {
        return fn(Names.noteFunction(planId, rule));
    }

    String recordFunctionName() {
        return fn(Names.recordFunction(planId, rule));
    }

    String pendingFunctionName() {
        return fn(Names.pendingFunction(planId, rule));
    }

    boolean records() {
        return rule.unmappedPolicy() == UnmappedPolicy.RECORD;
    }

    // ------------------------------------------------------------------------------------------------ statements

    /** {@return the statements that install the rule, in order, on a table already locked by the unit} */
    List<RenderedStatement> install() {
        List<RenderedStatement> out = new ArrayList<>();
        out.add(RenderedStatement.of(expressionCheck(), LockMode.ACCESS_SHARE, table));
        if (records()) {
            // earlier Tandem versions created the recording function without the fingerprint argument
            out.add(RenderedStatement.unlocked("DROP FUNCTION IF EXISTS " + recordFunctionName() + "("
                    + facts.key().stream().map(KeyColumn::type).collect(Collectors.joining(", "))
                    + ", text, text, text)"));
            out.add(RenderedStatement.unlocked(recordFunction()));
            out.add(RenderedStatement.unlocked(pendingFunction()));
            out.add(RenderedStatement.unlocked(noteFunction()));
        }
        out.add(RenderedStatement.unlocked(syncFunction()));
        // Trigger functions are never called directly; the recording and pending functions are called by every
        // writer's trigger.
        out.add(RenderedStatement.unlocked("REVOKE ALL ON FUNCTION " + syncFunctionName() + "() FROM PUBLIC"));
        if (records()) {
            out.add(RenderedStatement.unlocked("REVOKE ALL ON FUNCTION " + noteFunctionName() + "() FROM PUBLIC"));
            out.add(RenderedStatement.unlocked("GRANT EXECUTE ON FUNCTION " + recordFunctionName() + " TO PUBLIC"));
            out.add(RenderedStatement.unlocked("GRANT EXECUTE ON FUNCTION " + pendingFunctionName() + " TO PUBLIC"));
        }
        out.add(RenderedStatement.of(insertTrigger(), LockMode.SHARE_ROW_EXCLUSIVE, table));
        out.add(RenderedStatement.of(updateTrigger(), LockMode.SHARE_ROW_EXCLUSIVE, table));
        String newSide = updateNewSideTrigger();
        if (newSide != null) {
            out.add(RenderedStatement.of(newSide, LockMode.SHARE_ROW_EXCLUSIVE, table));
        }
        if (records()) {
            out.add(RenderedStatement.of(noteTrigger(), LockMode.SHARE_ROW_EXCLUSIVE, table));
        }
        return out;
    }

    /**
     * {@return the statements that drop a rule's triggers (the table is locked by the unit)}
     *
     * @param planId the plan
     * @param rule the rule
     * @param table its qualified table
     */
    static List<RenderedStatement> dropTriggers(String planId, DualWrite rule, TableName table) {
        List<RenderedStatement> out = new ArrayList<>();
        for (Identifier trigger : List.of(
                Names.insertTrigger(planId, rule),
                Names.updateTrigger(planId, rule),
                Names.updateNewSideTrigger(planId, rule),
                Names.noteStatementTrigger(planId, rule),
                // the row-level triggers of earlier Tandem versions, if a rule they installed is rolled back now
                Names.noteInsertTrigger(planId, rule),
                Names.noteUpdateTrigger(planId, rule))) {
            out.add(RenderedStatement.of(
                    "DROP TRIGGER IF EXISTS " + Sql.ident(trigger) + " ON " + Sql.table(table),
                    LockMode.ACCESS_EXCLUSIVE,
                    table));
        }
        return out;
    }

    /**
     * {@return the statements that drop a rule's functions, after its triggers}
     *
     * @param planId the plan
     * @param stateSchema Tandem's schema
     * @param rule the rule
     */
    static List<RenderedStatement> dropFunctions(String planId, Identifier stateSchema, DualWrite rule) {
        String s = Sql.ident(stateSchema) + '.';
        return List.of(
                RenderedStatement.unlocked(
                        "DROP FUNCTION IF EXISTS " + s + Sql.ident(Names.syncFunction(planId, rule)) + "()"),
                RenderedStatement.unlocked(
                        "DROP FUNCTION IF EXISTS " + s + Sql.ident(Names.noteFunction(planId, rule)) + "()"),
                RenderedStatement.unlocked(
                        "DROP FUNCTION IF EXISTS " + s + Sql.ident(Names.pendingFunction(planId, rule)) + "(integer)"),
                // the recording function's arguments are the key's types; its name alone is unique
                RenderedStatement.unlocked(
                        "DROP FUNCTION IF EXISTS " + s + Sql.ident(Names.recordFunction(planId, rule))));
    }

    /**
     * {@return a query that fails at parse time if an expression is invalid or uses a column it may not, and reads no
     * rows: forward expressions and the condition see only the old columns, backward ones only the new columns}
     */
    String expressionCheck() {
        List<String> out = new ArrayList<>();
        String old = "(SELECT " + columnsOf(rule.oldColumns(), "t.") + " FROM " + Sql.table(table) + " t) AS t";
        List<String> forward = new ArrayList<>();
        for (ColumnMapping m : rule.forward()) {
            forward.add("(" + m.expression().sql() + ")");
        }
        if (rule.mappableWhen() != null) {
            forward.add("(" + rule.mappableWhen().sql() + ")::boolean");
        }
        out.add("SELECT " + String.join(", ", forward) + " FROM " + old + " WHERE false");
        if (rule.twoWay()) {
            String news = "(SELECT " + columnsOf(rule.newColumns(), "t.") + " FROM " + Sql.table(table) + " t) AS t";
            out.add("SELECT "
                    + rule.backward().stream()
                            .map(m -> "(" + m.expression().sql() + ")")
                            .collect(Collectors.joining(", "))
                    + " FROM " + news + " WHERE false");
        }
        return String.join("\nUNION ALL ", wrap(out));
    }

    /** Each check as a subquery of one row shape, so that the parts combine into one statement. */
    private static List<String> wrap(List<String> checks) {
        List<String> out = new ArrayList<>();
        for (String c : checks) {
            out.add("SELECT 1 FROM (" + c + ") AS c");
        }
        return out;
    }

    private static String columnsOf(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c)).collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------------------------------------ functions

    /**
     * {@return the BEFORE trigger function}
     *
     * <p>It decides the direction by which side the writer changed, never by a session setting: on INSERT a side is
     * given when one of its columns differs from the column's default (a value only the default filled does not
     * count; volatile defaults and identities never decide); on UPDATE when one of its columns changed. Old side only
     * (or neither, on INSERT, or a key that moved on a row the backfill has not filled): map forward. New side only:
     * map backward. Both: keep what was written.
     */
    String syncFunction() {
        StringBuilder b = new StringBuilder();
        b.append("#variable_conflict use_variable\n");
        b.append("DECLARE\n");
        declareCommon(b);
        b.append("  ").append(p).append("_old_side boolean;\n");
        b.append("  ").append(p).append("_new_side boolean;\n");
        b.append("  ").append(p).append("_writer record;\n");
        b.append("BEGIN\n");
        // only the new-side update trigger's WHEN clause checks this; the other two have none (see updateTrigger)
        b.append("  IF ").append(bypassed()).append(" THEN\n");
        b.append("    RETURN NEW;\n");
        b.append("  END IF;\n");
        b.append("  IF TG_OP = 'INSERT' THEN\n");
        b.append("    ")
                .append(p)
                .append("_old_side := ")
                .append(given(rule.oldColumns()))
                .append(";\n");
        b.append("    ")
                .append(p)
                .append("_new_side := ")
                .append(given(rule.newColumns()))
                .append(";\n");
        b.append("  ELSE\n");
        b.append("    ")
                .append(p)
                .append("_old_side := ")
                .append(changed(rule.oldColumns()))
                .append(";\n");
        b.append("    ")
                .append(p)
                .append("_new_side := ")
                .append(changed(rule.newColumns()))
                .append(";\n");
        b.append("    IF NOT ")
                .append(p)
                .append("_old_side AND NOT ")
                .append(p)
                .append("_new_side AND NOT (")
                .append(keyMoved())
                .append(" AND ")
                .append(allNull(rule.newColumns(), "NEW."))
                .append(") THEN\n");
        b.append("      RETURN NEW; -- neither side changed, and no unfilled row's key moved\n");
        b.append("    END IF;\n");
        b.append("  END IF;\n");
        b.append("  IF (").append(p).append("_old_side AND NOT ").append(p).append("_new_side)\n");
        b.append("     OR (NOT ")
                .append(p)
                .append("_old_side AND NOT ")
                .append(p)
                .append("_new_side AND (TG_OP = 'INSERT' OR ")
                .append(allNull(rule.newColumns(), "NEW."))
                .append(")) THEN\n");
        map(b, Direction.FORWARD);
        if (rule.twoWay()) {
            b.append("  ELSIF ")
                    .append(p)
                    .append("_new_side AND NOT ")
                    .append(p)
                    .append("_old_side THEN\n");
            prefill(b);
            map(b, Direction.BACKWARD);
        }
        b.append("  END IF;\n");
        b.append("  RETURN NEW;\n");
        b.append("END\n");
        return "CREATE OR REPLACE FUNCTION " + syncFunctionName() + "() RETURNS trigger\n"
                + "LANGUAGE plpgsql SECURITY INVOKER\n" + EXPRESSION_SETTINGS + "AS " + Sql.dollarQuoted(b.toString());
    }

    /**
     * {@return the AFTER ... FOR EACH STATEMENT trigger function: hands the statement's unmapped values, now that its
     * rows are written, to the recording function}
     */
    String noteFunction() {
        String body =
                "BEGIN\n  PERFORM " + pendingFunctionName() + "(pg_catalog.pg_trigger_depth());\n  RETURN NULL;\nEND\n";
        return "CREATE OR REPLACE FUNCTION " + noteFunctionName() + "() RETURNS trigger\n"
                + "LANGUAGE plpgsql SECURITY INVOKER\n" + EXPRESSION_SETTINGS + "AS " + Sql.dollarQuoted(body);
    }

    /**
     * {@return the function that records pending unmapped values: each entry the sync trigger left in
     * {@link Names#pendingSetting} whose statement is done (entries of an enclosing statement, at a lower trigger
     * depth, whose row may not be written yet, stay), through the recording function, which checks each row itself}
     *
     * <p>It runs as the writer, and takes nothing but what the writer's own session holds: a writer that puts something
     * else in the setting can only make its own statement fail, or record rows it wrote itself, as it could by calling
     * the recording function directly.
     */
    String pendingFunction() {
        String setting = Sql.literal(Names.pendingSetting(planId, rule));
        int n = facts.key().size();
        StringBuilder b = new StringBuilder();
        b.append("DECLARE\n");
        b.append("  _p text[];\n");
        b.append("  _keep text[] := '{}';\n");
        b.append("BEGIN\n");
        b.append("  _p := NULLIF(pg_catalog.current_setting(").append(setting).append(", true), '')::text[];\n");
        b.append("  IF _p IS NULL THEN\n");
        b.append("    RETURN;\n");
        b.append("  END IF;\n");
        b.append("  FOR _i IN 1 .. COALESCE(pg_catalog.array_length(_p, 1), 0) LOOP\n");
        b.append("    IF _p[_i][1]::integer < p_depth THEN\n");
        b.append("      _keep := _keep || _p[_i:_i][:];\n");
        b.append("    ELSE\n");
        b.append("      PERFORM ").append(recordFunctionName()).append("(");
        for (int k = 0; k < n; k++) {
            b.append("_p[_i][")
                    .append(k + 2)
                    .append("]::")
                    .append(facts.key().get(k).type())
                    .append(", ");
        }
        b.append("_p[_i][")
                .append(n + 2)
                .append("], _p[_i][")
                .append(n + 3)
                .append("], _p[_i][")
                .append(n + 4)
                .append("], _p[_i][")
                .append(n + 5)
                .append("]);\n");
        b.append("    END IF;\n");
        b.append("  END LOOP;\n");
        b.append("  PERFORM pg_catalog.set_config(")
                .append(setting)
                .append(", CASE WHEN pg_catalog.cardinality(_keep) = 0 THEN '' ELSE _keep::text END, true);\n");
        b.append("END\n");
        return "CREATE OR REPLACE FUNCTION " + pendingFunctionName() + "(p_depth integer) RETURNS void\n"
                + "LANGUAGE plpgsql SECURITY INVOKER\n" + EXPRESSION_SETTINGS + "AS " + Sql.dollarQuoted(b.toString());
    }

    /** Maps one direction from NEW and applies it, or the unmapped policy. */
    private void map(StringBuilder b, Direction d) {
        b.append("    ").append(p).append("_row := NEW;\n");
        evaluate(b, "    ", d);
        b.append("    IF ").append(p).append("_ok THEN\n");
        assign(b, "      ", d);
        b.append("    ELSE\n");
        onUnmapped(b, "      ", d);
        b.append("    END IF;\n");
    }

    /**
     * {@return the recording function, the only code that runs with the migrator's rights for a writer: it takes key
     * values and text, evaluates nothing the writer supplied, and records the row only when the calling transaction
     * wrote it and left it in the state the RECORD policy leaves (one side empty, the other not)}
     */
    String recordFunction() {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < facts.key().size(); i++) {
            params.add("p_k" + (i + 1) + " " + facts.key().get(i).type());
        }
        params.add("p_direction text");
        params.add("p_sqlstate text");
        params.add("p_reason text");
        params.add("p_value text DEFAULT NULL");
        String keyMatch;
        if (facts.key().size() == 1) {
            keyMatch = "t." + Sql.ident(facts.key().get(0).name()) + " = p_k1";
        } else {
            List<String> ps = new ArrayList<>();
            for (int i = 0; i < facts.key().size(); i++) {
                ps.add("p_k" + (i + 1));
            }
            keyMatch = "(" + columnsOf(keyNames(), "t.") + ") = (" + String.join(", ", ps) + ")";
        }
        StringBuilder b = new StringBuilder();
        b.append("DECLARE\n");
        b.append("  _r record;\n");
        b.append("  _current bigint;\n");
        b.append("  _distance bigint;\n");
        b.append("BEGIN\n");
        b.append("  IF p_direction IS NULL OR p_direction NOT IN ('forward', 'backward') THEN\n");
        b.append("    RETURN;\n");
        b.append("  END IF;\n");
        b.append("  SELECT t.xmin::text::bigint AS x,\n");
        b.append("         ")
                .append(allNull(rule.newColumns(), "t."))
                .append(" AND (")
                .append(anyNotNull(rule.oldColumns(), "t."))
                .append(") AS forward_empty,\n");
        b.append("         ")
                .append(allNull(rule.oldColumns(), "t."))
                .append(" AND (")
                .append(anyNotNull(rule.newColumns(), "t."))
                .append(") AS backward_empty,\n");
        b.append("         ").append(valueText(rule.oldColumns(), "t.")).append(" AS old_value,\n");
        b.append("         ").append(valueText(rule.newColumns(), "t.")).append(" AS new_value,\n");
        b.append("         ").append(fingerprint(rule.oldColumns(), "t.")).append(" AS old_print,\n");
        b.append("         ").append(fingerprint(rule.newColumns(), "t.")).append(" AS new_print,\n");
        b.append("         ").append(keyArray("t.")).append(" AS row_key\n");
        b.append("    INTO _r FROM ")
                .append(Sql.table(table))
                .append(" AS t WHERE ")
                .append(keyMatch)
                .append(";\n");
        b.append("  IF NOT FOUND THEN\n");
        b.append("    RETURN;\n");
        b.append("  END IF;\n");
        b.append(
                "  -- Other sessions' uncommitted row versions are invisible here, so a visible version whose xmin is\n");
        b.append("  -- still in progress was written by this transaction (or one of its subtransactions).\n");
        b.append("  _current := pg_catalog.pg_current_xact_id()::text::bigint;\n");
        b.append("  _distance := (_r.x - (_current & 4294967295)) & 4294967295;\n");
        b.append("  IF _distance >= 2147483648 THEN\n");
        b.append("    _distance := _distance - 4294967296;\n");
        b.append("  END IF;\n");
        b.append("  IF pg_catalog.pg_xact_status((_current + _distance)::text::xid8)"
                + " IS DISTINCT FROM 'in progress' THEN\n");
        b.append("    RETURN;\n");
        b.append("  END IF;\n");
        // the row must still hold the values whose mapping the writer's trigger saw fail: an unfilled row the writer
        // left alone (an upsert whose insert failed to map but whose update changed nothing) is not unmapped
        b.append("  IF (p_direction = 'forward' AND _r.forward_empty AND _r.old_print = p_value)"
                + " OR (p_direction = 'backward' AND _r.backward_empty AND _r.new_print = p_value) THEN\n");
        b.append("    INSERT INTO ")
                .append(Sql.ident(stateSchema))
                .append(".\"unmapped\"")
                .append(" (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n");
        b.append("    VALUES (")
                .append(Sql.literal(planId))
                .append(", ")
                .append(Sql.literal(rule.id().value()))
                .append(", ")
                .append(Sql.literal(table.quoted()))
                .append(
                        ", _r.row_key, p_direction, pg_catalog.left(p_sqlstate, 5), pg_catalog.left(p_reason, 1000),\n");
        b.append("            CASE p_direction WHEN 'forward' THEN _r.old_value ELSE _r.new_value END,"
                + " pg_catalog.now())\n");
        b.append("    ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate,"
                + " reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;\n");
        b.append("  END IF;\n");
        b.append("END\n");
        return "CREATE OR REPLACE FUNCTION " + recordFunctionName() + "(" + String.join(", ", params)
                + ") RETURNS void\n" + "LANGUAGE plpgsql SECURITY DEFINER\n" + KEY_TEXT_SETTINGS + "AS "
                + Sql.dollarQuoted(b.toString());
    }

    /** Settings under which key values are turned into text, the same as in Tandem's own sessions. */
    static final String KEY_TEXT_SETTINGS = """
            SET search_path = pg_catalog, pg_temp
            SET TimeZone = 'UTC'
            SET DateStyle = 'ISO, MDY'
            SET IntervalStyle = 'postgres'
            SET extra_float_digits = 1
            SET bytea_output = 'hex'
            """;

    /**
     * A digest of one side's values, the same in the writer's trigger and in the recording function: JSON renders
     * dates and times in ISO form whatever the session's {@code DateStyle}, and both pin the time zone.
     */
    private static String fingerprint(List<Identifier> columns, String rowRef) {
        return "pg_catalog.md5(pg_catalog.json_build_array("
                + columns.stream().map(c -> rowRef + Sql.ident(c)).collect(Collectors.joining(", ")) + ")::text)";
    }

    private List<Identifier> keyNames() {
        return facts.key().stream().map(KeyColumn::name).collect(Collectors.toList());
    }

    /**
     * The rare path of {@code RECORD}: keeps the row's key, the direction and the reason in the transaction-local
     * {@link Names#pendingSetting}, as one row of a two-dimensional text array led by the trigger depth. The statement
     * trigger records it once the row is written (the recording function checks the written row); a long list is
     * recorded early, from the rows of this statement that are written already, so it never grows past about 64 kB.
     */
    private void pend(StringBuilder b, String indent, Direction d) {
        String setting = Sql.literal(Names.pendingSetting(planId, rule));
        b.append(indent)
                .append("IF pg_catalog.octet_length(pg_catalog.current_setting(")
                .append(setting)
                .append(", true)) > 65536 THEN\n");
        b.append(indent)
                .append("  PERFORM ")
                .append(pendingFunctionName())
                .append("(pg_catalog.pg_trigger_depth());\n");
        b.append(indent).append("END IF;\n");
        b.append(indent)
                .append("PERFORM pg_catalog.set_config(")
                .append(setting)
                .append(", (COALESCE(NULLIF(")
                .append("pg_catalog.current_setting(")
                .append(setting)
                .append(", true), ''), '{}')::text[] || ARRAY[ARRAY[")
                .append("pg_catalog.pg_trigger_depth()::text, ");
        for (KeyColumn k : facts.key()) {
            b.append("NEW.").append(Sql.ident(k.name())).append("::text, ");
        }
        b.append("'")
                .append(d.word)
                .append("', ")
                .append(p)
                .append("_state, ")
                .append(reason())
                .append(", ")
                .append(fingerprint(sources(d), "NEW."))
                .append("]])::text, true);\n");
    }

    // ------------------------------------------------------------------------------------------------ pieces

    private enum Direction {
        FORWARD("forward"),
        BACKWARD("backward");

        final String word;

        Direction(String word) {
            this.word = word;
        }
    }

    private List<ColumnMapping> mappings(Direction d) {
        return d == Direction.FORWARD ? rule.forward() : rule.backward();
    }

    private List<Identifier> sources(Direction d) {
        return d == Direction.FORWARD ? rule.oldColumns() : rule.newColumns();
    }

    private String output(Direction d, int i) {
        return p + (d == Direction.FORWARD ? "_n" : "_o") + (i + 1);
    }

    private void declareCommon(StringBuilder b) {
        b.append("  ").append(p).append("_ok boolean;\n");
        b.append("  ").append(p).append("_row record;\n");
        b.append("  ").append(p).append("_col text;\n");
        b.append("  ").append(p).append("_state text;\n");
        b.append("  ").append(p).append("_reason text;\n");
        for (Direction d : Direction.values()) {
            List<ColumnMapping> ms = mappings(d);
            for (int i = 0; i < ms.size(); i++) {
                b.append("  ")
                        .append(output(d, i))
                        .append(' ')
                        .append(Sql.table(table))
                        .append('.')
                        .append(Sql.ident(ms.get(i).column()))
                        .append("%TYPE;\n");
            }
        }
    }

    /**
     * Evaluates one direction's expressions from {@code <p>_row} into the output variables. The source columns are
     * variables of an inner block only, named as the columns, so the expressions read exactly as they do in the
     * backfill's UPDATE; nothing else of the function is visible under those names. Assigning to variables of the
     * target columns' types raises what the column would (a value too long, a failed cast); the handler keeps which
     * column failed and why.
     */
    private void evaluate(StringBuilder b, String in, Direction d) {
        b.append(in).append(p).append("_ok := true;\n");
        b.append(in).append(p).append("_col := NULL;\n");
        b.append(in).append(p).append("_state := NULL;\n");
        b.append(in).append(p).append("_reason := NULL;\n");
        b.append(in).append("BEGIN\n");
        b.append(in).append("  DECLARE\n");
        for (Identifier c : sources(d)) {
            b.append(in)
                    .append("    ")
                    .append(Sql.ident(c))
                    .append(' ')
                    .append(Sql.table(table))
                    .append('.')
                    .append(Sql.ident(c))
                    .append("%TYPE := ")
                    .append(p)
                    .append("_row.")
                    .append(Sql.ident(c))
                    .append(";\n");
        }
        b.append(in).append("  BEGIN\n");
        String body = in + "    ";
        if (d == Direction.FORWARD && rule.mappableWhen() != null) {
            b.append(body)
                    .append(p)
                    .append("_ok := COALESCE((")
                    .append(rule.mappableWhen().sql())
                    .append(")::boolean, true);\n");
            b.append(body).append("IF NOT ").append(p).append("_ok THEN\n");
            b.append(body).append("  ").append(p).append("_reason := 'the plan''s mappableWhen condition is false';\n");
            b.append(body).append("END IF;\n");
            b.append(body).append("IF ").append(p).append("_ok THEN\n");
            body = body + "  ";
        }
        List<ColumnMapping> ms = mappings(d);
        for (int i = 0; i < ms.size(); i++) {
            ColumnMapping m = ms.get(i);
            b.append(body)
                    .append(p)
                    .append("_col := ")
                    .append(Sql.literal(m.column().value()))
                    .append(";\n");
            b.append(body)
                    .append(output(d, i))
                    .append(" := (")
                    .append(m.expression().sql())
                    .append(");\n");
        }
        b.append(body).append(p).append("_col := NULL;\n");
        if (d == Direction.FORWARD && rule.mappableWhen() != null) {
            b.append(in).append("    END IF;\n");
        }
        b.append(in).append("  END;\n");
        b.append(in).append("EXCEPTION WHEN data_exception THEN\n");
        b.append(in).append("  ").append(p).append("_ok := false;\n");
        b.append(in)
                .append("  GET STACKED DIAGNOSTICS ")
                .append(p)
                .append("_state = RETURNED_SQLSTATE, ")
                .append(p)
                .append("_reason = MESSAGE_TEXT;\n");
        b.append(in).append("END;\n");
    }

    /** The reason text: the failing column (if a column's assignment failed) and PostgreSQL's message. */
    private String reason() {
        return "CASE WHEN " + p + "_col IS NULL THEN '' ELSE 'column ' || pg_catalog.quote_ident(" + p + "_col)"
                + " || COALESCE(' (' || (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = " + p
                + "_col) || ')', '')"
                + " || ': ' END || COALESCE(" + p + "_reason, 'the mapping failed')";
    }

    private void assign(StringBuilder b, String in, Direction d) {
        List<ColumnMapping> ms = mappings(d);
        for (int i = 0; i < ms.size(); i++) {
            b.append(in)
                    .append("NEW.")
                    .append(Sql.ident(ms.get(i).column()))
                    .append(" := ")
                    .append(output(d, i))
                    .append(";\n");
        }
    }

    private void onUnmapped(StringBuilder b, String in, Direction d) {
        List<ColumnMapping> ms = mappings(d);
        if (records()) {
            for (ColumnMapping m : ms) {
                b.append(in).append("NEW.").append(Sql.ident(m.column())).append(" := NULL;\n");
            }
            pend(b, in, d);
            return;
        }
        String targets = ms.stream().map(m -> m.column().quoted()).collect(Collectors.joining(", "));
        String from = sources(d).stream().map(Identifier::quoted).collect(Collectors.joining(", "));
        b.append(in).append("RAISE EXCEPTION USING\n");
        b.append(in)
                .append("  MESSAGE = ")
                .append(Sql.literal(
                        "Tandem plan " + planId + " (" + rule.id() + "): cannot map " + d.word + " the value "))
                .append(" || pg_catalog.quote_nullable(")
                .append(valueText(sources(d), "NEW."))
                .append(") || ")
                .append(Sql.literal(" of " + from + " in " + table.quoted() + " row ("))
                .append(" || ")
                .append(keyText("NEW."))
                .append(" || ")
                .append(Sql.literal(") to " + targets + ": "))
                .append(" || ")
                .append(reason())
                .append(" || ' [TANDEM-0500]',\n");
        b.append(in).append("  ERRCODE = COALESCE(").append(p).append("_state, '23514'),\n");
        b.append(in)
                .append("  HINT = ")
                .append(Sql.literal("The plan's unmapped-value policy is REJECT. Write a value the plan can map, or"
                        + " use UnmappedPolicy.RECORD to accept and record such values."))
                .append(";\n");
    }

    /**
     * A new-side write to a row the backfill has not reached yet (its new side still empty): map the row forward from
     * its old side first and let the writer's changes win, so a partial write (only {@code city}) does not recompute
     * the old side from mostly NULL values and lose what it held.
     */
    private void prefill(StringBuilder b) {
        b.append("    IF TG_OP = 'UPDATE' AND ")
                .append(allNull(rule.newColumns(), "OLD."))
                .append(" AND (")
                .append(anyNotNull(rule.oldColumns(), "OLD."))
                .append(") THEN\n");
        b.append("      ").append(p).append("_writer := NEW;\n");
        b.append("      ").append(p).append("_row := OLD;\n");
        evaluate(b, "      ", Direction.FORWARD);
        b.append("      IF ").append(p).append("_ok THEN\n");
        List<ColumnMapping> ms = rule.forward();
        for (int i = 0; i < ms.size(); i++) {
            String c = Sql.ident(ms.get(i).column());
            b.append("        IF ")
                    .append(p)
                    .append("_writer.")
                    .append(c)
                    .append(" IS NOT DISTINCT FROM OLD.")
                    .append(c)
                    .append(" THEN\n");
            b.append("          NEW.")
                    .append(c)
                    .append(" := ")
                    .append(output(Direction.FORWARD, i))
                    .append(";\n");
            b.append("        END IF;\n");
        }
        b.append("      END IF;\n");
        b.append("    END IF;\n");
    }

    /** On INSERT, whether the writer gave a side: a column that differs from what its default alone would hold. */
    private String given(List<Identifier> columns) {
        List<String> parts = new ArrayList<>();
        for (Identifier c : columns) {
            ColumnFacts f = facts.column(c);
            if (f == null && rule.copiesColumn() && rule.newColumns().contains(c)) {
                // a copy's new column took over the old column's default (a carried-over property)
                f = facts.column(rule.oldColumns().get(0));
            }
            String ref = "NEW." + Sql.ident(c);
            if (f == null || !f.hasDefault()) {
                parts.add(ref + " IS NOT NULL");
            } else if (!f.unrecognisableDefault()) {
                parts.add(ref + " IS DISTINCT FROM (" + f.defaultSql() + ")::" + f.baseType());
            }
            // a volatile default or an identity cannot be recognised by recomputing it: it never decides the side
        }
        return parts.isEmpty() ? "false" : String.join(" OR ", parts);
    }

    private static String changed(List<Identifier> columns) {
        return "ROW(" + columnsOf(columns, "NEW.") + ") IS DISTINCT FROM ROW(" + columnsOf(columns, "OLD.") + ")";
    }

    static String allNull(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c) + " IS NULL").collect(Collectors.joining(" AND "));
    }

    static String anyNotNull(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c) + " IS NOT NULL").collect(Collectors.joining(" OR "));
    }

    static String valueText(List<Identifier> columns, String rowRef) {
        return "pg_catalog.left(pg_catalog.concat_ws(', ', "
                + columns.stream().map(c -> rowRef + Sql.ident(c) + "::text").collect(Collectors.joining(", "))
                + "), 200)";
    }

    private String keyArray(String rowRef) {
        return facts.key().stream()
                .map(k -> rowRef + Sql.ident(k.name()) + "::text")
                .collect(Collectors.joining(", ", "ARRAY[", "]"));
    }

    private String keyText(String rowRef) {
        return "pg_catalog.concat_ws(', ', "
                + facts.key().stream()
                        .map(k -> rowRef + Sql.ident(k.name()) + "::text")
                        .collect(Collectors.joining(", "))
                + ")";
    }

    // ------------------------------------------------------------------------------------------------ triggers

    /**
     * Writes with {@code tandem.sync = 'off'} skip the sync, but only for members of the table's owner role (the
     * backfill's own batches): they could drop the trigger anyway. Any other writer's setting is ignored.
     */
    private String bypassed() {
        return "pg_catalog.current_setting('" + Names.SYNC_SETTING + "', true) = 'off'" + " AND pg_catalog.pg_has_role("
                + facts.ownerOid() + "::pg_catalog.oid, 'MEMBER')";
    }

    /** {@link #bypassed()} negated, in as few nodes as PostgreSQL must prepare for each statement (see below). */
    private String notBypassed() {
        return "pg_catalog.current_setting('" + Names.SYNC_SETTING + "', true) IS DISTINCT FROM 'off'"
                + " OR NOT pg_catalog.pg_has_role(" + facts.ownerOid() + "::pg_catalog.oid, 'MEMBER')";
    }

    private String keyMoved() {
        List<Identifier> keys = keyNames();
        return "ROW(" + columnsOf(keys, "NEW.") + ") IS DISTINCT FROM ROW(" + columnsOf(keys, "OLD.") + ")";
    }

    /*
     * Why only one trigger has a WHEN clause, and a short one. PostgreSQL prepares a trigger's WHEN expression again for
     * every statement (it deparses and plans it for each statement's executor state), so for an application's
     * single-row writes a WHEN clause costs more than the PL/pgSQL call it saves. The sync function makes every
     * decision itself, the bypass included; the one clause left is on the trigger for new-side columns, the only ones
     * the backfill's batches name, so that a batch of thousands of rows never enters PL/pgSQL. Measured with the
     * benchmark's trigger overhead (docs/performance.md).
     */

    /**
     * The insert trigger has no WHEN clause: every insert is mapped, so the clause would filter nothing out for the
     * application, and the function checks the {@code tandem.sync} switch itself (the backfill never inserts).
     */
    String insertTrigger() {
        return "CREATE TRIGGER " + Sql.ident(Names.insertTrigger(planId, rule)) + " BEFORE INSERT ON "
                + Sql.table(table) + " FOR EACH ROW\n  EXECUTE FUNCTION " + syncFunctionName() + "()";
    }

    /**
     * The update trigger for writes that name an old-side or key column: {@code UPDATE OF} keeps writes that name no
     * synced or key column out of PL/pgSQL (checked from the statement's target list, for free). It has no WHEN clause:
     * the backfill never names these columns, and a clause would be prepared again for every application statement;
     * the function checks the {@code tandem.sync} switch itself.
     */
    String updateTrigger() {
        Set<Identifier> of = new LinkedHashSet<>(rule.oldColumns());
        of.addAll(keyNames());
        return "CREATE TRIGGER " + Sql.ident(Names.updateTrigger(planId, rule)) + " BEFORE UPDATE OF "
                + Sql.idents(new ArrayList<>(of)) + " ON " + Sql.table(table) + " FOR EACH ROW\n  EXECUTE FUNCTION "
                + syncFunctionName() + "()";
    }

    /**
     * The update trigger for writes that name new-side columns only: its WHEN clause lets the backfill's own batches
     * skip it, so a batch of thousands of rows never enters PL/pgSQL. A statement that names both sides fires both
     * triggers; this one runs second (trigger names sort) and sees the row the first one synced, on which the
     * function's decision is the same (it maps again, to the same values, or finds both sides written and keeps them).
     *
     * @return the statement, or null when every new column is an old or key column too
     */
    @Nullable
    String updateNewSideTrigger() {
        Set<Identifier> of = new LinkedHashSet<>(rule.newColumns());
        of.removeAll(rule.oldColumns());
        of.removeAll(keyNames());
        if (of.isEmpty()) {
            return null;
        }
        return "CREATE TRIGGER " + Sql.ident(Names.updateNewSideTrigger(planId, rule)) + " BEFORE UPDATE OF "
                + Sql.idents(new ArrayList<>(of)) + " ON " + Sql.table(table) + " FOR EACH ROW\n  WHEN ("
                + notBypassed() + ")\n  EXECUTE FUNCTION " + syncFunctionName() + "()";
    }

    /**
     * The statement trigger of {@code RECORD}: after each statement that may have left pending unmapped values, for the
     * same columns as the update trigger. Its WHEN clause reads one setting, so statements that left nothing pending
     * (nearly all) never enter PL/pgSQL.
     */
    String noteTrigger() {
        Set<Identifier> of = new LinkedHashSet<>(rule.oldColumns());
        of.addAll(rule.newColumns());
        of.addAll(keyNames());
        return "CREATE TRIGGER " + Sql.ident(Names.noteStatementTrigger(planId, rule)) + " AFTER INSERT OR UPDATE OF "
                + Sql.idents(new ArrayList<>(of)) + " ON " + Sql.table(table) + " FOR EACH STATEMENT\n  WHEN ("
                + "pg_catalog.current_setting(" + Sql.literal(Names.pendingSetting(planId, rule)) + ", true) <> '')\n"
                + "  EXECUTE FUNCTION " + noteFunctionName() + "()";
    }

    /** {@return the qualified table} */
    TableName table() {
        return table;
    }
}
