package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.AddColumn;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.Contract;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.LockMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns a plan into SQL. Pure: it never touches JDBC; what it needs from the catalog comes in as {@link TableFacts}.
 * Golden-file tests pin its output, so a diff in review is the SQL change.
 */
public final class PostgresRenderer {

    private final String planId;
    private final Identifier stateSchema;
    private final Identifier defaultSchema;

    /**
     * Creates a renderer for one plan.
     *
     * @param planId the plan's id (inlined into trigger functions as a literal)
     * @param stateSchema the schema of Tandem's state tables and sync functions
     * @param defaultSchema the schema of unqualified tables
     */
    public PostgresRenderer(String planId, Identifier stateSchema, Identifier defaultSchema) {
        this.planId = requireNonNull(planId, "planId");
        this.stateSchema = requireNonNull(stateSchema, "stateSchema");
        this.defaultSchema = requireNonNull(defaultSchema, "defaultSchema");
    }

    /**
     * {@return the table qualified with the default schema}
     *
     * @param table a table
     */
    public TableName qualify(TableName table) {
        return table.qualifiedWith(defaultSchema);
    }

    private String state(String table) {
        return Sql.ident(stateSchema) + '.' + Sql.ident(table);
    }

    // ---------------------------------------------------------------------------------------------------- state

    /** {@return the idempotent DDL that creates Tandem's state schema, in order} */
    public List<String> stateSchemaDdl() {
        String s = Sql.ident(stateSchema);
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + s,
                "CREATE TABLE IF NOT EXISTS " + state("plans") + " (\n"
                        + "  plan_id text PRIMARY KEY,\n"
                        + "  checksum text NOT NULL,\n"
                        + "  description text NOT NULL DEFAULT '',\n"
                        + "  state text NOT NULL,\n"
                        + "  created_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  updated_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  inconsistent_rows bigint NOT NULL DEFAULT -1,\n"
                        + "  last_error text,\n"
                        + "  forced_contract_reason text,\n"
                        + "  canonical_form text NOT NULL DEFAULT ''\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + state("steps") + " (\n"
                        + "  plan_id text NOT NULL,\n"
                        + "  step_id text NOT NULL,\n"
                        + "  phase text NOT NULL,\n"
                        + "  done_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  PRIMARY KEY (plan_id, step_id, phase)\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + state("backfills") + " (\n"
                        + "  plan_id text NOT NULL,\n"
                        + "  step_id text NOT NULL,\n"
                        + "  upper_bound text[],\n"
                        + "  cursor_key text[],\n"
                        + "  rows_done bigint NOT NULL DEFAULT 0,\n"
                        + "  batches bigint NOT NULL DEFAULT 0,\n"
                        + "  batch_size integer NOT NULL DEFAULT 0,\n"
                        + "  started_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  finished_at timestamptz,\n"
                        + "  PRIMARY KEY (plan_id, step_id)\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + state("unmapped") + " (\n"
                        + "  plan_id text NOT NULL,\n"
                        + "  step_id text NOT NULL,\n"
                        + "  table_name text NOT NULL,\n"
                        + "  row_key text[] NOT NULL,\n"
                        + "  direction text NOT NULL,\n"
                        + "  sqlstate text,\n"
                        + "  reason text NOT NULL,\n"
                        + "  value text NOT NULL,\n"
                        + "  recorded_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  PRIMARY KEY (plan_id, step_id, row_key, direction)\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + state("events") + " (\n"
                        + "  id bigserial PRIMARY KEY,\n"
                        + "  plan_id text NOT NULL,\n"
                        + "  phase text NOT NULL,\n"
                        + "  step_id text,\n"
                        + "  attempt integer NOT NULL DEFAULT 1,\n"
                        + "  started_at timestamptz NOT NULL,\n"
                        + "  duration_ms bigint NOT NULL,\n"
                        + "  outcome text NOT NULL,\n"
                        + "  detail text NOT NULL DEFAULT ''\n"
                        + ")",
                "CREATE INDEX IF NOT EXISTS events_plan_idx ON " + state("events") + " (plan_id, id)");
    }

    // ---------------------------------------------------------------------------------------------------- expand

    /**
     * {@return the expand phase's units: one per expand step, then one per sync rule}
     *
     * @param plan the plan
     * @param facts catalog facts per qualified table, for every table of a sync rule
     */
    public List<SqlUnit> expandUnits(MigrationPlan plan, Map<TableName, TableFacts> facts) {
        List<SqlUnit> units = new ArrayList<>();
        for (Step step : plan.steps(Phase.EXPAND)) {
            if (step instanceof Expand e) {
                units.add(changeUnit(Phase.EXPAND, e.id(), e.change()));
            } else if (step instanceof DualWrite d) {
                units.add(syncInstallUnit(d, facts(facts, d.table())));
            }
        }
        return units;
    }

    private TableFacts facts(Map<TableName, TableFacts> facts, TableName table) {
        TableFacts f = facts.get(qualify(table));
        if (f == null) {
            throw new IllegalStateException("no catalog facts for " + qualify(table));
        }
        return f;
    }

    private SqlUnit changeUnit(Phase phase, StepId id, SchemaChange change) {
        return change.accept(new SchemaChange.Visitor<SqlUnit>() {
            @Override
            public SqlUnit visitAddColumn(AddColumn c) {
                TableName t = qualify(c.table());
                return locked(
                        phase,
                        List.of(id),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                "ALTER TABLE " + Sql.table(t) + " ADD COLUMN " + Sql.ident(c.column()) + ' '
                                        + c.type().sql(),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: nullable, no default")));
            }

            @Override
            public SqlUnit visitDropColumn(DropColumn c) {
                TableName t = qualify(c.table());
                return locked(phase, List.of(id), t, LockMode.ACCESS_EXCLUSIVE, List.of(dropColumn(t, c.column())));
            }

            @Override
            public SqlUnit visitRaw(RawChange c) {
                RawSqlLinter.Finding f = RawSqlLinter.lint(c.statement(), defaultSchema);
                String note = "raw SQL, unsafe accepted: " + c.unsafeReason()
                        + (f.finding().isEmpty() ? "" : "; lint: " + f.finding());
                RenderedStatement s = new RenderedStatement(
                        c.statement().sql(), f.lock(), f.relation(), f.rewrites(), f.scans(), note);
                return new SqlUnit(phase, List.of(id), List.of(s), c.transactional(), f.relation(), f.lock(), false);
            }
        });
    }

    private static RenderedStatement dropColumn(TableName t, Identifier column) {
        return new RenderedStatement(
                "ALTER TABLE " + Sql.table(t) + " DROP COLUMN IF EXISTS " + Sql.ident(column),
                LockMode.ACCESS_EXCLUSIVE,
                t,
                false,
                false,
                "catalog-only: no rewrite");
    }

    private static SqlUnit locked(
            Phase phase, List<StepId> steps, TableName t, LockMode mode, List<RenderedStatement> body) {
        return locked(phase, steps, t, mode, body, false);
    }

    private static SqlUnit locked(
            Phase phase,
            List<StepId> steps,
            TableName t,
            LockMode mode,
            List<RenderedStatement> body,
            boolean rollback) {
        List<RenderedStatement> all = new ArrayList<>();
        // Take the unit's strongest lock first: no lock upgrade mid-transaction, one wait bounded by lock_timeout.
        all.add(new RenderedStatement(
                "LOCK TABLE ONLY " + Sql.table(t) + " IN " + mode.sqlName() + " MODE", mode, t, false, false, ""));
        all.addAll(body);
        return new SqlUnit(phase, steps, all, true, t, mode, rollback);
    }

    /**
     * {@return the unit that installs a sync rule: it checks every expression against the table, creates the sync
     * function and its two triggers, in one transaction under SHARE ROW EXCLUSIVE (writes wait, reads do not)}
     *
     * @param rule the sync rule
     * @param facts the table's facts
     */
    public SqlUnit syncInstallUnit(DualWrite rule, TableFacts facts) {
        TableName t = qualify(rule.table());
        List<RenderedStatement> body = new ArrayList<>();
        body.add(RenderedStatement.of(expressionCheck(rule, t), LockMode.ACCESS_SHARE, t));
        body.add(RenderedStatement.unlocked(syncFunction(rule, facts)));
        body.add(RenderedStatement.of(insertTrigger(rule, t), LockMode.SHARE_ROW_EXCLUSIVE, t));
        body.add(RenderedStatement.of(updateTrigger(rule, t), LockMode.SHARE_ROW_EXCLUSIVE, t));
        return locked(Phase.EXPAND, List.of(rule.id()), t, LockMode.SHARE_ROW_EXCLUSIVE, body);
    }

    /**
     * {@return a query that fails at parse time if any of the rule's expressions is invalid for the table, and reads
     * no rows}
     *
     * @param rule the sync rule
     * @param table the qualified table
     */
    public String expressionCheck(DualWrite rule, TableName table) {
        List<String> exprs = new ArrayList<>();
        for (ColumnMapping m : rule.forward()) {
            exprs.add("(" + m.expression().sql() + ")");
        }
        for (ColumnMapping m : rule.backward()) {
            exprs.add("(" + m.expression().sql() + ")");
        }
        if (rule.mappableWhen() != null) {
            exprs.add("(" + rule.mappableWhen().sql() + ")::boolean");
        }
        return "SELECT " + String.join(", ", exprs) + " FROM " + Sql.table(table) + " WHERE false";
    }

    /**
     * {@return the pre-flight form of {@link #expressionCheck}: usable before expand, with the rule's new columns
     * supplied as typed NULLs}
     *
     * @param rule the sync rule
     * @param table the qualified table
     * @param newColumnTypes the declared type of each new column
     */
    public String expressionPreflight(DualWrite rule, TableName table, Map<Identifier, String> newColumnTypes) {
        String extra = rule.newColumns().stream()
                .map(c -> "NULL::" + requireNonNull(newColumnTypes.get(c), "type of " + c) + " AS " + Sql.ident(c))
                .collect(Collectors.joining(", "));
        String check = expressionCheck(rule, table);
        String from = " FROM " + Sql.table(table) + " WHERE false";
        return check.substring(0, check.length() - from.length()) + " FROM (SELECT t.*, " + extra + " FROM "
                + Sql.table(table) + " t) AS t WHERE false";
    }

    private String keyArray(TableFacts facts, String rowRef) {
        if (!facts.hasKey()) {
            return "ARRAY[" + rowRef + "ctid::text]";
        }
        return facts.key().stream()
                .map(k -> rowRef + Sql.ident(k.name()) + "::text")
                .collect(Collectors.joining(", ", "ARRAY[", "]"));
    }

    private static String valueText(List<Identifier> columns, String rowRef) {
        return "left(concat_ws(', ', "
                + columns.stream().map(c -> rowRef + Sql.ident(c) + "::text").collect(Collectors.joining(", "))
                + "), 200)";
    }

    /**
     * {@return the sync rule's trigger function}
     *
     * <p>It decides the direction by which side the writer changed, never by {@code search_path}; maps with the rule's
     * expressions in a block that catches data exceptions (a value too long, a failed cast); and applies the unmapped
     * policy. It is {@code SECURITY DEFINER} so that application roles need no rights on Tandem's unmapped table.
     *
     * @param rule the sync rule
     * @param facts the table's facts
     */
    public String syncFunction(DualWrite rule, TableFacts facts) {
        TableName t = qualify(rule.table());
        List<Identifier> olds = rule.oldColumns();
        List<Identifier> news = rule.newColumns();
        String fn = state(Names.syncFunction(planId, rule).value());
        String unmapped = state("unmapped");
        String key = keyArray(facts, "NEW.");
        boolean record = rule.unmappedPolicy() == UnmappedPolicy.RECORD;

        StringBuilder b = new StringBuilder();
        b.append("CREATE OR REPLACE FUNCTION ").append(fn).append("() RETURNS trigger\n");
        b.append("LANGUAGE plpgsql SECURITY DEFINER\n");
        b.append("SET search_path = pg_catalog, ")
                .append(Sql.ident(requireNonNull(t.schema(), "schema")))
                .append(", pg_temp\n");
        b.append("AS $tandem$\n");
        b.append("#variable_conflict use_variable\n");
        b.append("DECLARE\n");
        for (Identifier c : olds) {
            b.append("  ")
                    .append(Sql.ident(c))
                    .append(' ')
                    .append(Sql.table(t))
                    .append('.')
                    .append(Sql.ident(c));
            b.append("%TYPE := NEW.").append(Sql.ident(c)).append(";\n");
        }
        for (Identifier c : news) {
            b.append("  ")
                    .append(Sql.ident(c))
                    .append(' ')
                    .append(Sql.table(t))
                    .append('.')
                    .append(Sql.ident(c));
            b.append("%TYPE := NEW.").append(Sql.ident(c)).append(";\n");
        }
        b.append("  _tandem_old_side boolean;\n");
        b.append("  _tandem_new_side boolean;\n");
        b.append("  _tandem_ok boolean := true;\n");
        b.append("  _tandem_state text;\n");
        b.append("  _tandem_reason text;\n");
        b.append("BEGIN\n");
        b.append("  IF TG_OP = 'INSERT' THEN\n");
        b.append("    _tandem_old_side := ").append(anyNotNull(olds)).append(";\n");
        b.append("    _tandem_new_side := ").append(anyNotNull(news)).append(";\n");
        b.append("  ELSE\n");
        b.append("    _tandem_old_side := ").append(changed(olds)).append(";\n");
        b.append("    _tandem_new_side := ").append(changed(news)).append(";\n");
        b.append("  END IF;\n");
        b.append("  IF current_setting('")
                .append(Names.SYNC_SETTING)
                .append("', true) = 'forward' OR (_tandem_old_side AND NOT _tandem_new_side) THEN\n");
        appendDirection(b, rule, t, unmapped, key, "forward", rule.forward(), olds, record);
        if (rule.twoWay()) {
            b.append("  ELSIF _tandem_new_side AND NOT _tandem_old_side THEN\n");
            appendPrefill(b, rule, olds, news);
            appendDirection(b, rule, t, unmapped, key, "backward", rule.backward(), news, record);
        }
        b.append("  END IF;\n");
        b.append("  RETURN NEW;\n");
        b.append("END\n");
        b.append("$tandem$");
        return b.toString();
    }

    /**
     * A new-side write to a row the backfill has not reached yet (its new side still empty): map the row forward from
     * its old side first and let the writer's changes win, so a partial write (only {@code city}) does not recompute the
     * old side from mostly NULL values and lose what it held.
     */
    private static void appendPrefill(StringBuilder b, DualWrite rule, List<Identifier> olds, List<Identifier> news) {
        b.append("    IF TG_OP = 'UPDATE' AND ")
                .append(news.stream()
                        .map(c -> "OLD." + Sql.ident(c) + " IS NULL")
                        .collect(Collectors.joining(" AND ")))
                .append(" AND (")
                .append(olds.stream()
                        .map(c -> "OLD." + Sql.ident(c) + " IS NOT NULL")
                        .collect(Collectors.joining(" OR ")))
                .append(") THEN\n");
        b.append("      BEGIN\n");
        String indent = "        ";
        if (rule.mappableWhen() != null) {
            b.append("        IF coalesce((").append(rule.mappableWhen().sql()).append(")::boolean, true) THEN\n");
            indent = "          ";
        }
        for (ColumnMapping m : rule.forward()) {
            String c = Sql.ident(m.column());
            b.append(indent)
                    .append("IF NEW.")
                    .append(c)
                    .append(" IS NOT DISTINCT FROM OLD.")
                    .append(c)
                    .append(" THEN ");
            b.append(c).append(" := (").append(m.expression().sql()).append("); END IF;\n");
        }
        if (rule.mappableWhen() != null) {
            b.append("        END IF;\n");
        }
        b.append("      EXCEPTION WHEN data_exception THEN\n");
        for (Identifier c : news) {
            b.append("        ")
                    .append(Sql.ident(c))
                    .append(" := NEW.")
                    .append(Sql.ident(c))
                    .append(";\n");
        }
        b.append("      END;\n");
        for (Identifier c : news) {
            b.append("      NEW.")
                    .append(Sql.ident(c))
                    .append(" := ")
                    .append(Sql.ident(c))
                    .append(";\n");
        }
        b.append("    END IF;\n");
    }

    /**
     * One direction of the sync function: compute the other side into the local variables inside a block that catches
     * data exceptions (and, forward, checks the plan's condition), then copy them into NEW or apply the unmapped policy.
     */
    private void appendDirection(
            StringBuilder b,
            DualWrite rule,
            TableName t,
            String unmapped,
            String key,
            String direction,
            List<ColumnMapping> mappings,
            List<Identifier> sources,
            boolean record) {
        b.append("    BEGIN\n");
        if (direction.equals("forward") && rule.mappableWhen() != null) {
            b.append("      _tandem_ok := coalesce((")
                    .append(rule.mappableWhen().sql())
                    .append(")::boolean, true);\n");
            b.append("      IF NOT _tandem_ok THEN\n");
            b.append("        _tandem_reason := 'the plan''s mappableWhen condition is false';\n");
            b.append("      END IF;\n");
        }
        b.append("      IF _tandem_ok THEN\n");
        for (ColumnMapping m : mappings) {
            b.append("        ")
                    .append(Sql.ident(m.column()))
                    .append(" := (")
                    .append(m.expression().sql())
                    .append(");\n");
        }
        b.append("      END IF;\n");
        b.append("    EXCEPTION WHEN data_exception THEN\n");
        b.append("      _tandem_ok := false;\n");
        b.append("      GET STACKED DIAGNOSTICS _tandem_state = RETURNED_SQLSTATE, _tandem_reason = MESSAGE_TEXT;\n");
        b.append("    END;\n");
        b.append("    IF _tandem_ok THEN\n");
        List<Identifier> targets = mappings.stream().map(ColumnMapping::column).collect(Collectors.toList());
        for (Identifier c : targets) {
            b.append("      NEW.")
                    .append(Sql.ident(c))
                    .append(" := ")
                    .append(Sql.ident(c))
                    .append(";\n");
        }
        if (record) {
            appendClear(b, unmapped, rule, key);
        }
        b.append("    ELSE\n");
        appendUnmapped(b, rule, t, unmapped, key, direction, targets, sources, record);
        b.append("    END IF;\n");
    }

    private void appendClear(StringBuilder b, String unmapped, DualWrite rule, String key) {
        b.append("      DELETE FROM ")
                .append(unmapped)
                .append(" WHERE plan_id = ")
                .append(Sql.literal(planId))
                .append(" AND step_id = ")
                .append(Sql.literal(rule.id().value()))
                .append(" AND row_key = ")
                .append(key)
                .append(";\n");
    }

    private void appendUnmapped(
            StringBuilder b,
            DualWrite rule,
            TableName t,
            String unmapped,
            String key,
            String direction,
            List<Identifier> targets,
            List<Identifier> sources,
            boolean record) {
        if (record) {
            for (Identifier c : targets) {
                b.append("      NEW.").append(Sql.ident(c)).append(" := NULL;\n");
            }
            b.append("      INSERT INTO ")
                    .append(unmapped)
                    .append(
                            " (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n");
            b.append("      VALUES (")
                    .append(Sql.literal(planId))
                    .append(", ")
                    .append(Sql.literal(rule.id().value()))
                    .append(", ")
                    .append(Sql.literal(t.quoted()))
                    .append(", ")
                    .append(key)
                    .append(", '")
                    .append(direction)
                    .append("', _tandem_state, _tandem_reason, ")
                    .append(valueText(sources, "NEW."))
                    .append(", now())\n");
            b.append(
                            "      ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate,")
                    .append(" reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at;\n");
        } else {
            String message = "Tandem plan " + planId + " (" + rule.id() + "): cannot map " + direction + " the value %"
                    + " of " + sources.stream().map(Identifier::quoted).collect(Collectors.joining(", ")) + " in "
                    + t.quoted() + " row % to "
                    + targets.stream().map(Identifier::quoted).collect(Collectors.joining(", "))
                    + ": % [TANDEM-0500]";
            b.append("      RAISE EXCEPTION ")
                    .append(Sql.literal(message))
                    .append(", ")
                    .append(valueText(sources, "NEW."))
                    .append(", ")
                    .append(key)
                    .append(", _tandem_reason\n");
            b.append("        USING ERRCODE = coalesce(_tandem_state, '23514'),\n");
            b.append("              HINT = ")
                    .append(
                            Sql.literal(
                                    "The plan's unmapped-value policy is REJECT. Write a value the plan can map, or use UnmappedPolicy.RECORD to accept and record such values."))
                    .append(";\n");
        }
    }

    private static String anyNotNull(List<Identifier> columns) {
        return columns.stream().map(c -> "NEW." + Sql.ident(c) + " IS NOT NULL").collect(Collectors.joining(" OR "));
    }

    private static String changed(List<Identifier> columns) {
        return "ROW(" + columns.stream().map(c -> "NEW." + Sql.ident(c)).collect(Collectors.joining(", "))
                + ") IS DISTINCT FROM ROW("
                + columns.stream().map(c -> "OLD." + Sql.ident(c)).collect(Collectors.joining(", ")) + ")";
    }

    private String syncEnabled() {
        return "coalesce(current_setting('" + Names.SYNC_SETTING + "', true), '') <> 'off'";
    }

    private String insertTrigger(DualWrite rule, TableName t) {
        return "CREATE TRIGGER " + Sql.ident(Names.insertTrigger(planId, rule)) + " BEFORE INSERT ON "
                + Sql.table(t) + " FOR EACH ROW\n  WHEN (" + syncEnabled() + ")\n  EXECUTE FUNCTION "
                + state(Names.syncFunction(planId, rule).value()) + "()";
    }

    private String updateTrigger(DualWrite rule, TableName t) {
        List<Identifier> all = new ArrayList<>(rule.oldColumns());
        all.addAll(rule.newColumns());
        String oldChanged = "ROW("
                + rule.oldColumns().stream().map(c -> "OLD." + Sql.ident(c)).collect(Collectors.joining(", "))
                + ") IS DISTINCT FROM ROW("
                + rule.oldColumns().stream().map(c -> "NEW." + Sql.ident(c)).collect(Collectors.joining(", ")) + ")";
        String newChanged = "ROW("
                + rule.newColumns().stream().map(c -> "OLD." + Sql.ident(c)).collect(Collectors.joining(", "))
                + ") IS DISTINCT FROM ROW("
                + rule.newColumns().stream().map(c -> "NEW." + Sql.ident(c)).collect(Collectors.joining(", ")) + ")";
        // UPDATE OF + WHEN: writes that touch neither side never enter PL/pgSQL.
        return "CREATE TRIGGER " + Sql.ident(Names.updateTrigger(planId, rule)) + " BEFORE UPDATE OF "
                + Sql.idents(all) + " ON " + Sql.table(t) + " FOR EACH ROW\n  WHEN (" + syncEnabled() + " AND ("
                + oldChanged + "\n    OR " + newChanged + "\n    OR current_setting('" + Names.SYNC_SETTING
                + "', true) = 'forward'))\n  EXECUTE FUNCTION "
                + state(Names.syncFunction(planId, rule).value()) + "()";
    }

    // ---------------------------------------------------------------------------------------------------- key ranges

    private record Range(String first, String next) {}

    private static final java.util.Set<String> INTEGER_TYPES = java.util.Set.of("smallint", "integer", "bigint");

    private static String keyList(TableFacts facts, String prefix) {
        return facts.key().stream().map(k -> prefix + Sql.ident(k.name())).collect(Collectors.joining(", "));
    }

    private static String keyTuple(TableFacts facts, String prefix) {
        String list = keyList(facts, prefix);
        return facts.key().size() == 1 ? list : "(" + list + ")";
    }

    private static String params(TableFacts facts) {
        String list = facts.key().stream().map(k -> "?::" + k.type()).collect(Collectors.joining(", "));
        return facts.key().size() == 1 ? list : "(" + list + ")";
    }

    /** Range predicates: "first" binds the upper bound only; "next" binds lower then upper. */
    private static Range range(TableFacts facts, String prefix) {
        String k = keyTuple(facts, prefix);
        String upper = k + " <= " + params(facts);
        return new Range(upper, k + " > " + params(facts) + " AND " + upper);
    }

    // Keys are selected as text so any key type round-trips through the cursor; the ORDER BY must name the table's
    // column (t."id"), or PostgreSQL would sort by the text output column of the same name.
    private static String maxKey(TableFacts facts) {
        String order = facts.key().stream()
                .map(k -> "t." + Sql.ident(k.name()) + " DESC")
                .collect(Collectors.joining(", "));
        return "SELECT "
                + facts.key().stream()
                        .map(k -> "t." + Sql.ident(k.name()) + "::text")
                        .collect(Collectors.joining(", ")) + " FROM " + Sql.table(facts.table()) + " t ORDER BY "
                + order + " LIMIT 1";
    }

    private static Range bounds(TableFacts facts) {
        Range r = range(facts, "t.");
        String select = "SELECT "
                + facts.key().stream()
                        .map(k -> "t." + Sql.ident(k.name()) + "::text")
                        .collect(Collectors.joining(", ")) + " FROM " + Sql.table(facts.table()) + " t WHERE ";
        String tail = " ORDER BY " + keyList(facts, "t.") + " OFFSET ? LIMIT 1";
        return new Range(select + r.first() + tail, select + r.next() + tail);
    }

    private static Range map(Range r, Function<String, String> f) {
        return new Range(f.apply(r.first()), f.apply(r.next()));
    }

    private static String allNull(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c) + " IS NULL").collect(Collectors.joining(" AND "));
    }

    private String unmappedExists(DualWrite rule, TableFacts facts, String rowRef) {
        return "EXISTS (SELECT 1 FROM " + state("unmapped") + " u WHERE u.plan_id = " + Sql.literal(planId)
                + " AND u.step_id = " + Sql.literal(rule.id().value()) + " AND u.row_key = " + keyArray(facts, rowRef)
                + ")";
    }

    private String recordRejected(DualWrite rule, TableFacts facts, String rangePredicate, boolean onlyUnfilled) {
        TableName t = facts.table();
        String cond = requireNonNull(rule.mappableWhen(), "mappableWhen").sql();
        return "INSERT INTO " + state("unmapped")
                + " (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n"
                + "SELECT " + Sql.literal(planId) + ", " + Sql.literal(rule.id().value()) + ", "
                + Sql.literal(t.quoted()) + ", " + keyArray(facts, "t.") + ", 'forward', NULL, "
                + "'the plan''s mappableWhen condition is false', " + valueText(rule.oldColumns(), "t.") + ", now()\n"
                + "FROM " + Sql.table(t) + " t WHERE " + rangePredicate
                + (onlyUnfilled ? " AND " + allNull(rule.newColumns(), "t.") : "")
                + " AND NOT coalesce((" + cond + ")::boolean, true)\n"
                // Lock what is recorded: a writer fixing the row meanwhile then either waits and clears the committed
                // record, or commits first and the re-checked row no longer qualifies. No stale record either way.
                + "FOR UPDATE OF t\n"
                + "ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING";
    }

    private String recordError(DualWrite rule, TableFacts facts, String rangePredicate) {
        TableName t = facts.table();
        return "INSERT INTO " + state("unmapped")
                + " (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n"
                + "SELECT " + Sql.literal(planId) + ", " + Sql.literal(rule.id().value()) + ", "
                + Sql.literal(t.quoted()) + ", " + keyArray(facts, "t.") + ", 'forward', ?, ?, "
                + valueText(rule.oldColumns(), "t.") + ", now()\n"
                + "FROM " + Sql.table(t) + " t WHERE " + rangePredicate + "\n"
                + "FOR UPDATE OF t\n"
                + "ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate,"
                + " reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at";
    }

    /**
     * {@return the backfill statements for a step}
     *
     * @param step the backfill step
     * @param facts the table's facts; the table must have a primary key
     */
    public BackfillSql backfill(Backfill step, TableFacts facts) {
        DualWrite rule = step.rule();
        TableName t = facts.table();
        if (!facts.hasKey()) {
            throw new IllegalStateException("backfill needs a primary key on " + t.quoted());
        }
        String targets = Sql.idents(rule.newColumns());
        String values = rule.forward().stream()
                .map(m -> "(" + m.expression().sql() + ")")
                .collect(Collectors.joining(", "));
        String unfilled = allNull(rule.newColumns(), "");
        String cond = rule.mappableWhen() == null
                ? ""
                : " AND coalesce((" + rule.mappableWhen().sql() + ")::boolean, true)";
        Range r = range(facts, "");
        Range update = map(
                r,
                p -> "UPDATE " + Sql.table(t) + " SET (" + targets + ") = ROW(" + values + ")\nWHERE " + p + " AND "
                        + unfilled + cond);
        Range rt = range(facts, "t.");
        @Nullable
        String recordFirst = rule.mappableWhen() == null ? null : recordRejected(rule, facts, rt.first(), true);
        @Nullable String recordNext = rule.mappableWhen() == null ? null : recordRejected(rule, facts, rt.next(), true);
        Identifier firstNew = rule.newColumns().get(0);
        Range rowwise = map(
                r,
                p -> "UPDATE " + Sql.table(t) + " SET " + Sql.ident(firstNew) + " = " + Sql.ident(firstNew) + "\nWHERE "
                        + p + " AND " + unfilled);
        Range bounds = bounds(facts);
        // A single integer key needs no bound query: the batch is the key span (lo, lo + size].
        @Nullable String nextKey = null;
        if (facts.key().size() == 1 && INTEGER_TYPES.contains(facts.key().get(0).type())) {
            Identifier k = facts.key().get(0).name();
            nextKey = "SELECT min(t." + Sql.ident(k) + ")::text FROM " + Sql.table(t) + " t WHERE t." + Sql.ident(k)
                    + " > ?::" + facts.key().get(0).type();
        }
        String estimate = "SELECT greatest(reltuples, 0)::bigint, relpages FROM pg_class WHERE oid = "
                + Sql.literal(Sql.table(t)) + "::regclass";

        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                maxKey(facts),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "once: the fixed upper bound, taken after the sync trigger exists"));
        explained.add(new RenderedStatement(
                "SET LOCAL " + Names.SYNC_SETTING + " = 'off'",
                LockMode.NONE,
                null,
                false,
                false,
                "per batch: each batch is its own transaction"));
        if (nextKey == null) {
            explained.add(new RenderedStatement(
                    bounds.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: finds the batch's upper key"));
        } else {
            explained.add(new RenderedStatement(
                    nextKey,
                    LockMode.ACCESS_SHARE,
                    t,
                    false,
                    false,
                    "only after an empty batch: skips a gap in the keys; batches are key spans (lo, lo + size]"));
        }
        explained.add(new RenderedStatement(
                update.next(),
                LockMode.ROW_EXCLUSIVE,
                t,
                false,
                false,
                "per batch: row locks on the batch's rows only"));
        if (recordNext != null) {
            explained.add(new RenderedStatement(
                    recordNext,
                    LockMode.ROW_SHARE,
                    t,
                    false,
                    false,
                    "per batch: records (and locks) the rows the plan cannot map; only unfilled rows are tested"));
        }
        explained.add(new RenderedStatement(
                "UPDATE " + state("backfills")
                        + " SET cursor_key = ?, rows_done = rows_done + ?, batches = batches + 1, batch_size = ? WHERE plan_id = ? AND step_id = ?",
                LockMode.NONE,
                null,
                false,
                false,
                "per batch, same transaction: the resumable cursor"));
        explained.add(new RenderedStatement(
                "SET LOCAL " + Names.SYNC_SETTING + " = 'forward'",
                LockMode.NONE,
                null,
                false,
                false,
                "only for a batch whose fast path failed on a value: map row by row"));
        explained.add(new RenderedStatement(
                rowwise.next(),
                LockMode.ROW_EXCLUSIVE,
                t,
                false,
                false,
                "only for such a batch: the sync trigger maps each row and records what it cannot"));
        return new BackfillSql(
                t,
                facts.key().size(),
                maxKey(facts),
                bounds.first(),
                bounds.next(),
                update.first(),
                update.next(),
                recordFirst,
                recordNext,
                rowwise.first(),
                rowwise.next(),
                estimate,
                nextKey,
                explained);
    }

    /**
     * {@return the verification statements for a sync rule}
     *
     * @param rule the sync rule
     * @param facts the table's facts, read after expand (the new columns exist)
     */
    public VerifySql verify(DualWrite rule, TableFacts facts) {
        TableName t = facts.table();
        if (!facts.hasKey()) {
            throw new IllegalStateException("verify needs a primary key on " + t.quoted());
        }
        List<String> expected = new ArrayList<>();
        for (ColumnMapping m : rule.forward()) {
            String base = facts.baseType(m.column());
            expected.add("(" + m.expression().sql() + ")" + (base == null ? "" : "::" + base));
        }
        String actualRow = "ROW(" + rule.newColumns().stream().map(Sql::ident).collect(Collectors.joining(", ")) + ")";
        String expectedRow = "ROW(" + String.join(", ", expected) + ")";
        String keyText = "concat_ws(',', "
                + facts.key().stream()
                        .map(k -> "t." + Sql.ident(k.name()) + "::text")
                        .collect(Collectors.joining(", ")) + ")";
        Range rt = range(facts, "t.");
        Range check = map(
                rt,
                p -> "SELECT count(*), count(*) FILTER (WHERE bad), (array_agg(key_text) FILTER (WHERE bad))[1:20]\n"
                        + "FROM (SELECT " + keyText + " AS key_text,\n"
                        + "  CASE WHEN " + unmappedExists(rule, facts, "t.") + " THEN false\n"
                        + "       ELSE " + actualRow + " IS DISTINCT FROM " + expectedRow + " END AS bad\n"
                        + "  FROM " + Sql.table(t) + " t WHERE " + p + ") AS checked");
        String recordFirst;
        String recordNext;
        if (rule.mappableWhen() != null) {
            recordFirst = recordRejected(rule, facts, rt.first(), false);
            recordNext = recordRejected(rule, facts, rt.next(), false);
        } else {
            recordFirst = "";
            recordNext = "";
        }
        String matchRow = facts.key().size() == 1
                ? "t." + Sql.ident(facts.key().get(0).name()) + " = u.row_key[1]::"
                        + facts.key().get(0).type()
                : keyTuple(facts, "t.") + " = (" + indexedKeys(facts) + ")";
        String prune = "DELETE FROM " + state("unmapped") + " u WHERE u.plan_id = " + Sql.literal(planId)
                + " AND u.step_id = " + Sql.literal(rule.id().value()) + " AND NOT EXISTS (SELECT 1 FROM "
                + Sql.table(t) + " t WHERE " + matchRow + ")";
        Range bounds = bounds(facts);
        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                prune, LockMode.ACCESS_SHARE, t, false, false, "once: forgets unmapped rows that were deleted"));
        explained.add(new RenderedStatement(
                bounds.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: finds the batch's upper key"));
        if (!recordNext.isEmpty()) {
            explained.add(new RenderedStatement(
                    recordNext,
                    LockMode.ROW_SHARE,
                    t,
                    false,
                    false,
                    "per batch: records (and locks) the rows the plan cannot map"));
        }
        explained.add(new RenderedStatement(
                check.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: read-only comparison"));
        return new VerifySql(
                facts.key().size(),
                maxKey(facts),
                bounds.first(),
                bounds.next(),
                recordFirst,
                recordNext,
                check.first(),
                check.next(),
                recordError(rule, facts, rt.first()),
                recordError(rule, facts, rt.next()),
                prune,
                explained);
    }

    private static String indexedKeys(TableFacts facts) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < facts.key().size(); i++) {
            parts.add("u.row_key[" + (i + 1) + "]::" + facts.key().get(i).type());
        }
        return String.join(", ", parts);
    }

    // ---------------------------------------------------------------------------------------------------- contract

    /**
     * {@return the contract phase's units: per table with sync rules or dropped columns, one transaction that drops the
     * triggers and the columns together (so no write slips between them); then each raw contract step; then the sync
     * functions}
     *
     * @param plan the plan
     */
    public List<SqlUnit> contractUnits(MigrationPlan plan) {
        Map<TableName, List<StepId>> steps = new LinkedHashMap<>();
        Map<TableName, List<RenderedStatement>> bodies = new LinkedHashMap<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableName t = qualify(rule.table());
            bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(dropTriggers(rule, t));
            steps.computeIfAbsent(t, k -> new ArrayList<>());
        }
        List<SqlUnit> units = new ArrayList<>();
        List<SqlUnit> raw = new ArrayList<>();
        for (Step step : plan.steps(Phase.CONTRACT)) {
            Contract c = (Contract) step;
            if (c.change() instanceof DropColumn d) {
                TableName t = qualify(d.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).add(dropColumn(t, d.column()));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
            } else {
                raw.add(changeUnit(Phase.CONTRACT, c.id(), c.change()));
            }
        }
        for (Map.Entry<TableName, List<RenderedStatement>> e : bodies.entrySet()) {
            List<StepId> ids = steps.getOrDefault(e.getKey(), List.of());
            units.add(locked(Phase.CONTRACT, ids, e.getKey(), LockMode.ACCESS_EXCLUSIVE, e.getValue()));
        }
        units.addAll(raw);
        List<RenderedStatement> functions = dropFunctions(plan);
        if (!functions.isEmpty()) {
            units.add(new SqlUnit(Phase.CONTRACT, List.of(), functions, true, null, LockMode.NONE, false));
        }
        return units;
    }

    private List<RenderedStatement> dropTriggers(DualWrite rule, TableName t) {
        return List.of(
                RenderedStatement.of(
                        "DROP TRIGGER IF EXISTS " + Sql.ident(Names.insertTrigger(planId, rule)) + " ON "
                                + Sql.table(t),
                        LockMode.ACCESS_EXCLUSIVE,
                        t),
                RenderedStatement.of(
                        "DROP TRIGGER IF EXISTS " + Sql.ident(Names.updateTrigger(planId, rule)) + " ON "
                                + Sql.table(t),
                        LockMode.ACCESS_EXCLUSIVE,
                        t));
    }

    private List<RenderedStatement> dropFunctions(MigrationPlan plan) {
        List<RenderedStatement> out = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            out.add(RenderedStatement.unlocked("DROP FUNCTION IF EXISTS "
                    + state(Names.syncFunction(planId, rule).value()) + "()"));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- rollback

    /**
     * {@return the rollback units, undoing expand in reverse: per table, one transaction that drops the sync triggers
     * and every column the plan added; then each raw expand step's undo statement, last first; then the sync
     * functions}
     *
     * @param plan the plan
     */
    public List<SqlUnit> rollbackUnits(MigrationPlan plan) {
        Map<TableName, List<RenderedStatement>> bodies = new LinkedHashMap<>();
        Map<TableName, List<StepId>> steps = new LinkedHashMap<>();
        List<SqlUnit> raw = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableName t = qualify(rule.table());
            bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(dropTriggers(rule, t));
            steps.computeIfAbsent(t, k -> new ArrayList<>()).add(rule.id());
        }
        List<Step> expands = new ArrayList<>(plan.steps(Phase.EXPAND));
        java.util.Collections.reverse(expands);
        for (Step step : expands) {
            if (!(step instanceof Expand e)) {
                continue;
            }
            if (e.change() instanceof AddColumn a) {
                TableName t = qualify(a.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).add(dropColumn(t, a.column()));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(e.id());
            } else if (e.change() instanceof RawChange r && r.undo() != null) {
                RawSqlLinter.Finding f = RawSqlLinter.lint(r.undo(), defaultSchema);
                RenderedStatement s = new RenderedStatement(
                        r.undo().sql(), f.lock(), f.relation(), f.rewrites(), f.scans(), "raw SQL undo of " + e.id());
                raw.add(new SqlUnit(
                        Phase.EXPAND,
                        List.of(e.id()),
                        List.of(s),
                        !requireNonNull(r.undo(), "undo").requiresNoTransaction(),
                        f.relation(),
                        f.lock(),
                        true));
            }
        }
        List<SqlUnit> units = new ArrayList<>();
        for (Map.Entry<TableName, List<RenderedStatement>> e : bodies.entrySet()) {
            units.add(locked(
                    Phase.EXPAND,
                    steps.getOrDefault(e.getKey(), List.of()),
                    e.getKey(),
                    LockMode.ACCESS_EXCLUSIVE,
                    e.getValue(),
                    true));
        }
        units.addAll(raw);
        // Tandem's own records of the plan (markers, cursors, unmapped values) are forgotten by the state store.
        List<RenderedStatement> functions = dropFunctions(plan);
        if (!functions.isEmpty()) {
            units.add(new SqlUnit(Phase.EXPAND, List.of(), functions, true, null, LockMode.NONE, true));
        }
        return units;
    }
}
