package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.Contract;
import dev.tandem.plan.CopyColumn;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepId;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.change.ChangeContext;
import dev.tandem.postgres.internal.change.Changes;
import dev.tandem.postgres.internal.change.Units;
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
    private final ChangeContext ctx;

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
        this.ctx = new ChangeContext(planId, stateSchema, defaultSchema, SessionSettings.userSearchPath(defaultSchema));
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
                "CREATE INDEX IF NOT EXISTS events_plan_idx ON " + state("events") + " (plan_id, id)",
                // what a step replaced, for its rollback (a column's previous default)
                "CREATE TABLE IF NOT EXISTS " + state("saved") + " (\n"
                        + "  plan_id text NOT NULL,\n"
                        + "  step_id text NOT NULL,\n"
                        + "  value text,\n"
                        + "  PRIMARY KEY (plan_id, step_id)\n"
                        + ")");
    }

    /**
     * {@return the statements that upgrade the state tables, one list per layout version from 2 on: entry {@code i}
     * takes version {@code i + 1} to {@code i + 2}}
     *
     * <p>Append, never edit: a database keeps the version it reached, and a later release runs only the lists after it.
     * Each list runs in the transaction that records its version.
     */
    public List<List<String>> stateSchemaUpgrades() {
        return List.of(
                // 2: the tables carry their layout version, so a later release can change them safely
                List.of("CREATE TABLE IF NOT EXISTS " + state("schema_version") + " (\n"
                        + "  version integer PRIMARY KEY,\n"
                        + "  tandem_version text NOT NULL,\n"
                        + "  upgraded_at timestamptz NOT NULL DEFAULT now()\n"
                        + ")"));
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
        List<SqlUnit> syncs = new ArrayList<>();
        for (Step step : plan.steps(Phase.EXPAND)) {
            if (step instanceof Expand e) {
                units.addAll(Changes.forward(ctx.withFacts(facts), Phase.EXPAND, e.id(), e.change()));
            } else if (step instanceof DualWrite d) {
                syncs.add(syncInstallUnit(d, facts(facts, d.table())));
            }
        }
        // A NOT NULL column without a default that contract drops: the new version's inserts leave it out (unless a
        // backward mapping fills it from what the new version writes).
        for (Step step : plan.steps(Phase.CONTRACT)) {
            if (step instanceof Contract c && c.change() instanceof DropColumn d && relaxesNotNull(plan, c, facts)) {
                units.add(relaxNotNullUnit(c, d));
            }
        }
        // a copy's new column takes over the old one's default before the trigger starts to compare with it; its
        // indexes
        // are built once the trigger fills it (its NOT NULL comes after the backfill)
        List<SqlUnit> afterSync = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            if (rule.copiesColumn()) {
                for (SqlUnit u : carryUnits(rule, facts(facts, rule.table()))) {
                    (u.steps().get(0).value().endsWith("/carry") ? units : afterSync).add(u);
                }
            }
        }
        units.addAll(syncs);
        units.addAll(afterSync);
        return units;
    }

    /**
     * {@return whether expand relaxes the NOT NULL of the column a contract step drops: it is NOT NULL, has no default,
     * and no backward mapping fills it from what the new version writes}
     *
     * @param plan the plan
     * @param step the contract step
     * @param facts catalog facts per qualified table
     */
    public boolean relaxesNotNull(MigrationPlan plan, Contract step, Map<TableName, TableFacts> facts) {
        if (!(step.change() instanceof DropColumn d)) {
            return false;
        }
        TableFacts f = facts.get(qualify(d.table()));
        ColumnFacts column = f == null ? null : f.column(d.column());
        return column != null && column.notNull() && !column.hasDefault() && !filledBackward(plan, d);
    }

    private boolean filledBackward(MigrationPlan plan, DropColumn d) {
        for (DualWrite rule : plan.dualWrites()) {
            if (qualify(rule.table()).equals(qualify(d.table()))
                    && rule.backward().stream().anyMatch(m -> m.column().equals(d.column()))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------- copies

    /**
     * A rename by copy gives the new column what the old one has, in its safe form: the default (catalog-only), NOT
     * NULL as a {@code CHECK ... NOT VALID} (new writes are checked at once; contract validates it and sets NOT NULL
     * without a long lock), and each single-column index built concurrently (contract renames it to the old name and
     * attaches the old unique constraint's name).
     */
    private List<SqlUnit> carryUnits(DualWrite rule, TableFacts facts) {
        TableName t = qualify(rule.table());
        Identifier old = rule.oldColumns().get(0);
        Identifier copy = rule.newColumns().get(0);
        ColumnFacts f = facts.column(old);
        List<SqlUnit> out = new ArrayList<>();
        if (f == null) {
            return out;
        }
        List<RenderedStatement> body = new ArrayList<>();
        String alter = "ALTER TABLE " + Sql.table(t);
        if (f.defaultSql() != null && !f.defaultVolatile()) {
            body.add(new RenderedStatement(
                    alter + " ALTER COLUMN " + Sql.ident(copy) + " SET DEFAULT " + f.defaultSql(),
                    LockMode.ACCESS_EXCLUSIVE,
                    t,
                    false,
                    false,
                    "catalog-only: the old column's default; existing rows keep NULL until the backfill"));
        }
        if (!body.isEmpty()) {
            out.add(locked(
                    Phase.EXPAND,
                    List.of(StepId.of(rule.id().value() + "/carry")),
                    t,
                    LockMode.ACCESS_EXCLUSIVE,
                    body));
        }

        int n = 0;
        for (IndexFacts i : facts.indexes()) {
            if (!i.onlyOn(old) || i.primary()) {
                continue;
            }
            n++;
            String sql = "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                    + Sql.ident(Names.carriedIndex(planId, rule, i.name())) + " ON " + Sql.table(t) + " USING "
                    + i.method() + " (" + Sql.ident(copy) + i.firstColumnOptions() + ")";
            out.add(new SqlUnit(
                    Phase.EXPAND,
                    List.of(StepId.of(rule.id().value() + "/carry-index-" + n)),
                    List.of(new RenderedStatement(
                            sql,
                            LockMode.SHARE_UPDATE_EXCLUSIVE,
                            t,
                            false,
                            true,
                            "the copy of " + i.name().quoted() + "; reads and writes go on while it builds")),
                    false,
                    t,
                    LockMode.SHARE_UPDATE_EXCLUSIVE,
                    false));
        }
        return out;
    }

    /** The NOT NULL checks a rule adds after the backfill: the copy's (if the old column is NOT NULL), and its own. */
    private List<SqlUnit> lateNotNullUnits(DualWrite rule, TableFacts facts) {
        List<SqlUnit> out = new ArrayList<>();
        for (LateNotNull n : lateNotNulls(rule, facts)) {
            TableName t = qualify(rule.table());
            out.add(locked(
                    Phase.BACKFILL,
                    List.of(n.marker()),
                    t,
                    LockMode.ACCESS_EXCLUSIVE,
                    List.of(new RenderedStatement(
                            "ALTER TABLE " + Sql.table(t) + " ADD CONSTRAINT " + Sql.ident(n.check()) + " CHECK ("
                                    + Sql.ident(n.column()) + " IS NOT NULL) NOT VALID",
                            LockMode.ACCESS_EXCLUSIVE,
                            t,
                            false,
                            false,
                            "catalog-only: every row is filled now, and new writes are checked; contract validates it"
                                    + " and sets NOT NULL"))));
        }
        return out;
    }

    /**
     * A new column that becomes NOT NULL: checked {@code NOT VALID} after the backfill, when every row has it filled and
     * the trigger keeps it so (before, any update of a row the backfill had not reached would break the check),
     * validated and set at contract.
     */
    private record LateNotNull(Identifier column, Identifier check, StepId marker) {}

    private List<LateNotNull> lateNotNulls(DualWrite rule, TableFacts facts) {
        List<LateNotNull> out = new ArrayList<>();
        if (rule.copiesColumn()) {
            ColumnFacts f = facts.column(rule.oldColumns().get(0));
            if (f != null && f.notNull()) {
                out.add(new LateNotNull(
                        rule.newColumns().get(0),
                        Names.notNullCheck(planId, rule.id()),
                        StepId.of(rule.id().value() + "/carry-not-null")));
            }
        }
        for (Identifier c : rule.notNullColumns()) {
            StepId marker = StepId.of(rule.id().value() + "/not-null-" + c.value());
            out.add(new LateNotNull(c, Names.notNullCheck(planId, marker), marker));
        }
        return out;
    }

    /**
     * Contract, before the table's drop unit: each late NOT NULL check, added if the backfill phase did not (a forced
     * contract), then validated (a scan; reads and writes go on).
     */
    private List<SqlUnit> validateCopyUnits(DualWrite rule, TableFacts facts) {
        List<SqlUnit> out = new ArrayList<>();
        TableName t = qualify(rule.table());
        for (LateNotNull n : lateNotNulls(rule, facts)) {
            // no step markers: neither drops anything (rollback stays possible), and both run again safely
            out.add(locked(
                    Phase.CONTRACT,
                    List.of(),
                    t,
                    LockMode.ACCESS_EXCLUSIVE,
                    List.of(new RenderedStatement(
                            Changes.addNotNullCheckIfMissing(t, n.column(), n.check()),
                            LockMode.ACCESS_EXCLUSIVE,
                            t,
                            false,
                            false,
                            "catalog-only: the NOT NULL check, if the backfill phase did not add it"))));
            out.add(validateCopyUnit(t, n.check()));
        }
        return out;
    }

    /** In the table's contract unit, once the trigger is gone: the rule's own NOT NULL columns, without a scan. */
    private List<RenderedStatement> setLateNotNulls(DualWrite rule, TableFacts facts) {
        List<RenderedStatement> out = new ArrayList<>();
        TableName t = qualify(rule.table());
        for (LateNotNull n : lateNotNulls(rule, facts)) {
            if (rule.copiesColumn() && n.column().equals(rule.newColumns().get(0))) {
                continue; // the copy's is set by takeOver, after the old column is gone
            }
            out.add(new RenderedStatement(
                    "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN " + Sql.ident(n.column()) + " SET NOT NULL",
                    LockMode.ACCESS_EXCLUSIVE,
                    t,
                    false,
                    false,
                    "no scan: the validated CHECK proves it"));
            out.add(RenderedStatement.of(
                    "ALTER TABLE " + Sql.table(t) + " DROP CONSTRAINT IF EXISTS " + Sql.ident(n.check()),
                    LockMode.ACCESS_EXCLUSIVE,
                    t));
        }
        return out;
    }

    private SqlUnit validateCopyUnit(TableName t, Identifier check) {
        return locked(
                Phase.CONTRACT,
                List.of(),
                t,
                LockMode.SHARE_UPDATE_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " VALIDATE CONSTRAINT " + Sql.ident(check),
                        LockMode.SHARE_UPDATE_EXCLUSIVE,
                        t,
                        false,
                        true,
                        "reads and writes go on")));
    }

    /** Contract, in the table's drop unit after the old column is gone: the copy takes over its names and NOT NULL. */
    private List<RenderedStatement> takeOver(DualWrite rule, TableFacts facts) {
        TableName t = qualify(rule.table());
        Identifier old = rule.oldColumns().get(0);
        Identifier copy = rule.newColumns().get(0);
        ColumnFacts f = facts.column(old);
        List<RenderedStatement> out = new ArrayList<>();
        String alter = "ALTER TABLE " + Sql.table(t);
        if (f != null && f.notNull()) {
            out.add(new RenderedStatement(
                    alter + " ALTER COLUMN " + Sql.ident(copy) + " SET NOT NULL",
                    LockMode.ACCESS_EXCLUSIVE,
                    t,
                    false,
                    false,
                    "no scan: the validated CHECK proves it"));
            out.add(RenderedStatement.of(
                    alter + " DROP CONSTRAINT IF EXISTS " + Sql.ident(Names.notNullCheck(planId, rule.id())),
                    LockMode.ACCESS_EXCLUSIVE,
                    t));
        }
        String schema = Sql.ident(requireNonNull(t.schema(), "schema")) + '.';
        for (IndexFacts i : facts.indexes()) {
            if (!i.onlyOn(old) || i.primary()) {
                continue;
            }
            out.add(RenderedStatement.of(
                    "ALTER INDEX " + schema + Sql.ident(Names.carriedIndex(planId, rule, i.name())) + " RENAME TO "
                            + Sql.ident(i.name()),
                    LockMode.ACCESS_EXCLUSIVE,
                    t));
            if (i.constraint() != null && i.unique()) {
                out.add(RenderedStatement.of(
                        alter + " ADD CONSTRAINT " + Sql.ident(i.constraint()) + " UNIQUE USING INDEX "
                                + Sql.ident(i.name()),
                        LockMode.ACCESS_EXCLUSIVE,
                        t));
            }
        }
        return out;
    }

    private TableFacts facts(Map<TableName, TableFacts> facts, TableName table) {
        TableFacts f = facts.get(qualify(table));
        if (f == null) {
            throw new IllegalStateException("no catalog facts for " + qualify(table));
        }
        return f;
    }

    private static RenderedStatement dropColumn(TableName t, Identifier column) {
        return Changes.dropColumn(t, column);
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
        return Units.locked(phase, steps, t, mode, body, rollback);
    }

    /**
     * {@return the unit that installs a sync rule: it checks every expression against the table, creates the rule's
     * functions and triggers, in one transaction under SHARE ROW EXCLUSIVE (writes wait, reads do not)}
     *
     * @param rule the sync rule
     * @param facts the table's facts
     */
    public SqlUnit syncInstallUnit(DualWrite rule, TableFacts facts) {
        TableName t = qualify(rule.table());
        SyncTriggers sync = new SyncTriggers(planId, stateSchema, rule, withTable(facts, t));
        List<RenderedStatement> body = new ArrayList<>(sync.install());
        if (sync.records()) {
            // writers' triggers call the recording function by name; its tables stay private
            body.add(1, RenderedStatement.unlocked("GRANT USAGE ON SCHEMA " + Sql.ident(stateSchema) + " TO PUBLIC"));
        }
        return locked(Phase.EXPAND, List.of(rule.id()), t, LockMode.SHARE_ROW_EXCLUSIVE, body);
    }

    private static TableFacts withTable(TableFacts facts, TableName t) {
        return facts.named(t);
    }

    /**
     * {@return the rule's functions, as the sync unit creates them; for tests and docs}
     *
     * @param rule the rule
     * @param facts the table's facts
     */
    public List<String> syncFunctions(DualWrite rule, TableFacts facts) {
        SyncTriggers sync = new SyncTriggers(planId, stateSchema, rule, withTable(facts, qualify(rule.table())));
        return sync.records()
                ? List.of(sync.syncFunction(), sync.pendingFunction(), sync.noteFunction(), sync.recordFunction())
                : List.of(sync.syncFunction());
    }

    // ---------------------------------------------------------------------------------------------------- key ranges

    /** A statement in its "first" variant (upper bound only) and its "next" variant (lower, then upper). */
    record Range(String first, String next) {}

    static final java.util.Set<String> INTEGER_TYPES = java.util.Set.of("smallint", "integer", "bigint");

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
    static Range range(TableFacts facts, String prefix) {
        String k = keyTuple(facts, prefix);
        String upper = k + " <= " + params(facts);
        return new Range(upper, k + " > " + params(facts) + " AND " + upper);
    }

    /** The predicate that selects one row by its key, binding each key value as text. */
    private static String oneRow(TableFacts facts, String prefix) {
        return keyTuple(facts, prefix) + " = " + params(facts);
    }

    // Keys are selected as text so any key type round-trips through the cursor; the ORDER BY must name the table's
    // column (t."id"), or PostgreSQL would sort by the text output column of the same name.
    static String maxKey(TableFacts facts) {
        String order = facts.key().stream()
                .map(k -> "t." + Sql.ident(k.name()) + " DESC")
                .collect(Collectors.joining(", "));
        return "SELECT " + keyTexts(facts, "t.") + " FROM " + Sql.table(facts.table()) + " t ORDER BY " + order
                + " LIMIT 1";
    }

    static String keyTexts(TableFacts facts, String prefix) {
        return facts.key().stream()
                .map(k -> prefix + Sql.ident(k.name()) + "::text")
                .collect(Collectors.joining(", "));
    }

    static Range bounds(TableFacts facts) {
        Range r = range(facts, "t.");
        String select = "SELECT " + keyTexts(facts, "t.") + " FROM " + Sql.table(facts.table()) + " t WHERE ";
        String tail = " ORDER BY " + keyList(facts, "t.") + " OFFSET ? LIMIT 1";
        return new Range(select + r.first() + tail, select + r.next() + tail);
    }

    static Range counts(TableFacts facts) {
        Range r = range(facts, "t.");
        String select = "SELECT count(*) FROM " + Sql.table(facts.table()) + " t WHERE ";
        return new Range(select + r.first(), select + r.next());
    }

    static Range map(Range r, Function<String, String> f) {
        return new Range(f.apply(r.first()), f.apply(r.next()));
    }

    private static String allNull(List<Identifier> columns, String prefix) {
        return SyncTriggers.allNull(columns, prefix);
    }

    private String keyArray(TableFacts facts, String rowRef) {
        return facts.key().stream()
                .map(k -> rowRef + Sql.ident(k.name()) + "::text")
                .collect(Collectors.joining(", ", "ARRAY[", "]"));
    }

    private String unmappedExists(DualWrite rule, TableFacts facts, String rowRef) {
        return "EXISTS (SELECT 1 FROM " + state("unmapped") + " u WHERE u.plan_id = " + Sql.literal(planId)
                + " AND u.step_id = " + Sql.literal(rule.id().value()) + " AND u.row_key = " + keyArray(facts, rowRef)
                + ")";
    }

    /** Records the unfilled rows of a range that the plan's condition rejects and that are not recorded yet. */
    private String recordRejected(DualWrite rule, TableFacts facts, String rangePredicate) {
        TableName t = facts.table();
        String cond = requireNonNull(rule.mappableWhen(), "mappableWhen").sql();
        return "INSERT INTO " + state("unmapped")
                + " (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n"
                + "SELECT " + Sql.literal(planId) + ", " + Sql.literal(rule.id().value()) + ", "
                + Sql.literal(t.quoted()) + ", " + keyArray(facts, "t.") + ", 'forward', NULL, "
                + "'the plan''s mappableWhen condition is false', "
                + SyncTriggers.valueText(rule.oldColumns(), "t.") + ", now()\n"
                + "FROM " + Sql.table(t) + " t WHERE " + rangePredicate + " AND " + allNull(rule.newColumns(), "t.")
                + " AND NOT coalesce((" + cond + ")::boolean, true)\n"
                + "ON CONFLICT (plan_id, step_id, row_key, direction) DO NOTHING";
    }

    /** Records one row (by key) as unmapped, binding: direction, sqlstate, reason, key... */
    private String recordRow(DualWrite rule, TableFacts facts) {
        TableName t = facts.table();
        return "INSERT INTO " + state("unmapped")
                + " (plan_id, step_id, table_name, row_key, direction, sqlstate, reason, value, recorded_at)\n"
                + "SELECT " + Sql.literal(planId) + ", " + Sql.literal(rule.id().value()) + ", "
                + Sql.literal(t.quoted()) + ", " + keyArray(facts, "t.") + ", d.direction, ?, ?,"
                + " CASE d.direction WHEN 'forward' THEN " + SyncTriggers.valueText(rule.oldColumns(), "t.")
                + " ELSE " + SyncTriggers.valueText(rule.newColumns(), "t.") + " END, now()\n"
                + "FROM " + Sql.table(t) + " t, (SELECT ?::text AS direction) d WHERE " + oneRow(facts, "t.") + "\n"
                + "ON CONFLICT (plan_id, step_id, row_key, direction) DO UPDATE SET sqlstate = EXCLUDED.sqlstate,"
                + " reason = EXCLUDED.reason, value = EXCLUDED.value, recorded_at = EXCLUDED.recorded_at";
    }

    /**
     * Per target column, a statement that evaluates its expression alone for one row (binding the key), so a failure
     * can be pinned on a column: forward ones assign the column (in a savepoint the caller rolls back), so a value
     * too long for it fails as it would in the backfill; backward ones only evaluate.
     */
    private List<BackfillSql.Probe> probes(DualWrite rule, TableFacts facts, boolean assign) {
        List<BackfillSql.Probe> out = new ArrayList<>();
        TableName t = facts.table();
        String where = " FROM " + Sql.table(t) + " WHERE " + oneRow(facts, "");
        for (ColumnMapping m : rule.forward()) {
            String value = "SELECT (" + m.expression().sql() + ")::text" + where;
            String sql = assign
                    ? "UPDATE " + Sql.table(t) + " SET " + Sql.ident(m.column()) + " = ("
                            + m.expression().sql() + ") WHERE " + oneRow(facts, "")
                    : value;
            out.add(new BackfillSql.Probe("forward", m.column(), columnType(facts, m.column()), sql, value));
        }
        if (!assign) {
            for (ColumnMapping m : rule.backward()) {
                String value = "SELECT (" + m.expression().sql() + ")::text" + where;
                out.add(new BackfillSql.Probe("backward", m.column(), columnType(facts, m.column()), value, value));
            }
        }
        return out;
    }

    private static String columnType(TableFacts facts, Identifier column) {
        ColumnFacts c = facts.column(column);
        return c == null ? "" : c.fullType();
    }

    // ---------------------------------------------------------------------------------------------------- backfill

    /**
     * {@return the backfill statements of a column move}
     *
     * @param step the step
     * @param facts the source table's facts; it has a one-column primary key
     */
    public BackfillSql backfill(BackfillMove step, TableFacts facts) {
        return MoveSql.backfill(
                planId, stateSchema, step, facts, qualify(step.move().target()));
    }

    /**
     * {@return the verification statements of a column move}
     *
     * @param step the step
     * @param facts the source table's facts; it has a one-column primary key
     */
    public VerifySql verify(BackfillMove step, TableFacts facts) {
        return MoveSql.verify(step, facts, qualify(step.move().target()));
    }

    /**
     * {@return the backfill statements of a column merge}
     *
     * @param step the step
     * @param table the facts of the table the columns leave
     * @param into the facts of the table that takes them, read after expand
     */
    public BackfillSql backfill(BackfillMerge step, TableFacts table, TableFacts into) {
        return MoveSql.backfill(step, table, into);
    }

    /**
     * {@return the verification statements of a column merge}
     *
     * @param step the step
     * @param into the facts of the table that takes the columns, read after expand
     * @param table the facts of the table they leave
     */
    public VerifySql verify(BackfillMerge step, TableFacts into, TableFacts table) {
        return MoveSql.verify(step, into, table);
    }

    /**
     * {@return the backfill statements for a step}
     *
     * @param step the backfill step
     * @param facts the table's facts, read after expand; the table must have a primary key
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
        @Nullable String recordFirst = rule.mappableWhen() == null ? null : recordRejected(rule, facts, rt.first());
        @Nullable String recordNext = rule.mappableWhen() == null ? null : recordRejected(rule, facts, rt.next());
        Range bounds = bounds(facts);
        Range counts = counts(facts);
        // A single integer key needs no bound query: the batch is the key span (lo, lo + size].
        @Nullable String nextKey = null;
        if (facts.key().size() == 1 && INTEGER_TYPES.contains(facts.key().get(0).type())) {
            Identifier k = facts.key().get(0).name();
            nextKey = "SELECT min(t." + Sql.ident(k) + ")::text FROM " + Sql.table(t) + " t WHERE t." + Sql.ident(k)
                    + " > ?::" + facts.key().get(0).type();
        }
        String estimate = "SELECT greatest(reltuples, 0)::bigint, relpages FROM pg_catalog.pg_class WHERE oid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass";
        // Application triggers that the backfill's UPDATE of the new columns would fire (Tandem's own excluded).
        String appTriggers = "SELECT tg.tgname, tg.tgenabled::text FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass AND NOT tg.tgisinternal"
                + " AND tg.tgname NOT LIKE 'tandem\\_sync\\_%' AND tg.tgenabled <> 'D'"
                + " AND (tg.tgtype & 16) <> 0"
                + " AND (pg_catalog.cardinality(tg.tgattr::int2[]) = 0 OR tg.tgattr::int2[] && ARRAY(SELECT a.attnum FROM"
                + " pg_catalog.pg_attribute a WHERE a.attrelid = tg.tgrelid AND a.attname = ANY (?::text[]))::int2[])"
                + " ORDER BY tg.tgname";

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
                "per batch, each its own transaction: the sync trigger skips the batch (honoured only for members of"
                        + " the table's owner); with SET LOCAL session_replication_role = replica too when the"
                        + " migrator may set it, so application triggers do not fire either; and with SET LOCAL"
                        + " synchronous_commit = off unless PostgresOptions.withBackfillSynchronousCommit(true): a"
                        + " batch lost in a crash is lost with its cursor and redone"));
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
                    LockMode.ACCESS_SHARE,
                    t,
                    false,
                    false,
                    "per batch: records the rows the plan's condition rejects; only unfilled rows are tested"));
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
                recordRow(rule, facts),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "only for a batch that failed on a value (SQLState class 22): the batch is split in halves down to"
                        + " the failing rows, each recorded with the column and the reason"));
        return new BackfillSql(
                t,
                facts.key().size(),
                maxKey(facts),
                bounds.first(),
                bounds.next(),
                counts.first(),
                counts.next(),
                update.first(),
                update.next(),
                recordFirst,
                recordNext,
                recordRow(rule, facts),
                probes(rule, facts, true),
                estimate,
                nextKey,
                appTriggers,
                explained);
    }

    // ---------------------------------------------------------------------------------------------------- verify

    /**
     * {@return the verification statements for a sync rule}
     *
     * <p>A row is consistent when dropping its old side loses nothing the plan carries: its new side is the forward
     * mapping of its old side (it was last written on the old side, or backfilled), or, for a two-way rule, its old
     * side is the backward mapping of its new side (it was last written on the new side). Rows recorded as unmapped
     * are reported as such; a recorded row that is consistent now was fixed, and its record is removed.
     *
     * @param rule the sync rule
     * @param facts the table's facts, read after expand (the new columns exist)
     */
    public VerifySql verify(DualWrite rule, TableFacts facts) {
        TableName t = facts.table();
        if (!facts.hasKey()) {
            throw new IllegalStateException("verify needs a primary key on " + t.quoted());
        }
        String forwardMatches = "ROW(" + columnsOf(rule.newColumns(), "t.") + ") IS NOT DISTINCT FROM ROW("
                + expressionsAs(rule.forward(), facts) + ")";
        String consistent;
        if (rule.twoWay()) {
            List<Identifier> targets = new ArrayList<>();
            for (ColumnMapping m : rule.backward()) {
                targets.add(m.column());
            }
            String backwardMatches = "ROW(" + columnsOf(targets, "t.") + ") IS NOT DISTINCT FROM ROW("
                    + expressionsAs(rule.backward(), facts) + ")";
            // CASE keeps the order: the backward expressions run only for rows the forward ones do not explain
            consistent = "CASE WHEN " + forwardMatches + " THEN true WHEN " + backwardMatches + " THEN true ELSE false"
                    + " END";
        } else {
            consistent = "(" + forwardMatches + ")";
        }
        String keyText = "concat_ws(',', " + keyTexts(facts, "t.") + ")";
        Range rt = range(facts, "t.");
        Range check = map(
                rt,
                p -> "SELECT count(*), count(*) FILTER (WHERE bad), (array_agg(key_text) FILTER (WHERE bad))[1:20]\n"
                        + "FROM (SELECT " + keyText + " AS key_text,\n"
                        + "  CASE WHEN " + unmappedExists(rule, facts, "t.") + " THEN false\n"
                        + "       ELSE NOT " + consistent + " END AS bad\n"
                        + "  FROM " + Sql.table(t) + " t WHERE " + p + ") AS checked");
        String matchRow = facts.key().size() == 1
                ? "t." + Sql.ident(facts.key().get(0).name()) + " = u.row_key[1]::"
                        + facts.key().get(0).type()
                : keyTuple(facts, "t.") + " = (" + indexedKeys(facts) + ")";
        Range fixed = map(
                rt,
                p -> "DELETE FROM " + state("unmapped") + " u USING " + Sql.table(t) + " t WHERE u.plan_id = "
                        + Sql.literal(planId) + " AND u.step_id = "
                        + Sql.literal(rule.id().value()) + " AND "
                        + matchRow + " AND " + p + " AND " + consistent);
        String recordFirst;
        String recordNext;
        if (rule.mappableWhen() != null) {
            recordFirst = recordRejected(rule, facts, rt.first());
            recordNext = recordRejected(rule, facts, rt.next());
        } else {
            recordFirst = "";
            recordNext = "";
        }
        String prune = "DELETE FROM " + state("unmapped") + " u WHERE u.plan_id = " + Sql.literal(planId)
                + " AND u.step_id = " + Sql.literal(rule.id().value()) + " AND NOT EXISTS (SELECT 1 FROM "
                + Sql.table(t) + " t WHERE " + matchRow + ")";
        Range bounds = bounds(facts);
        Range counts = counts(facts);
        List<RenderedStatement> explained = new ArrayList<>();
        explained.add(new RenderedStatement(
                prune, LockMode.ACCESS_SHARE, t, false, false, "once: forgets unmapped rows that were deleted"));
        explained.add(new RenderedStatement(
                bounds.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: finds the batch's upper key"));
        explained.add(new RenderedStatement(
                fixed.next(),
                LockMode.ACCESS_SHARE,
                t,
                false,
                false,
                "per batch: forgets unmapped records of rows that are consistent now (a writer fixed them)"));
        if (!recordNext.isEmpty()) {
            explained.add(new RenderedStatement(
                    recordNext,
                    LockMode.ACCESS_SHARE,
                    t,
                    false,
                    false,
                    "per batch: records the unfilled rows the plan's condition rejects"));
        }
        explained.add(new RenderedStatement(
                check.next(), LockMode.ACCESS_SHARE, t, false, false, "per batch: read-only comparison, no row locks"));
        return new VerifySql(
                facts.key().size(),
                maxKey(facts),
                bounds.first(),
                bounds.next(),
                counts.first(),
                counts.next(),
                fixed.first(),
                fixed.next(),
                recordFirst,
                recordNext,
                check.first(),
                check.next(),
                recordRow(rule, facts),
                probes(rule, facts, false),
                prune,
                explained);
    }

    private static String columnsOf(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c)).collect(Collectors.joining(", "));
    }

    /** The expressions cast to their target columns' base types: comparable without truncation. */
    private static String expressionsAs(List<ColumnMapping> mappings, TableFacts facts) {
        List<String> out = new ArrayList<>();
        for (ColumnMapping m : mappings) {
            String base = facts.baseType(m.column());
            out.add("(" + m.expression().sql() + ")" + (base == null ? "" : "::" + base));
        }
        return String.join(", ", out);
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
     * {@return the contract phase's units: per table with sync rules or dropped columns, one transaction that makes
     * sure no value was recorded unmapped since the last verification, then drops the triggers and the columns
     * together (so no write slips between them); then each raw contract step; then the sync functions}
     *
     * @param plan the plan
     * @param facts catalog facts per qualified table, read before contract
     */
    public List<SqlUnit> contractUnits(MigrationPlan plan, Map<TableName, TableFacts> facts) {
        Map<TableName, List<StepId>> steps = new LinkedHashMap<>();
        Map<TableName, List<RenderedStatement>> bodies = new LinkedHashMap<>();
        Map<TableName, List<DualWrite>> rules = new LinkedHashMap<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableName t = qualify(rule.table());
            rules.computeIfAbsent(t, k -> new ArrayList<>()).add(rule);
            bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(SyncTriggers.dropTriggers(planId, rule, t));
            steps.computeIfAbsent(t, k -> new ArrayList<>());
        }
        // Plan order, with one unit per table for its sync triggers and dropped columns, placed where the table's first
        // drop is (tables with triggers only come first): no write slips between a trigger's drop and a column's.
        List<Object> slots = new ArrayList<>(); // a TableName (its drop unit) or a list of units
        for (TableName t : rules.keySet()) {
            slots.add(t);
        }
        ChangeContext withFacts = ctx.withFacts(facts);
        Map<TableName, List<Changes.SwapParts>> swaps = new LinkedHashMap<>();
        for (Step step : plan.steps(Phase.CONTRACT)) {
            Contract c = (Contract) step;
            if (c.change() instanceof SwapColumn sw) {
                // in the table's unit, after its sync trigger is dropped: no write slips between the two
                TableName t = qualify(sw.table());
                swaps.computeIfAbsent(t, k -> new ArrayList<>()).add(Changes.swap(withFacts, sw));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
                bodies.computeIfAbsent(t, k -> new ArrayList<>());
                if (!slots.contains(t)) {
                    slots.add(t);
                }
            } else if (c.change() instanceof DropColumn d) {
                TableName t = qualify(d.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).add(dropColumn(t, d.column()));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
                if (!slots.contains(t)) {
                    slots.add(t);
                }
            } else if (c.change() instanceof MoveColumns mv) {
                // the sync stops in the transaction that drops the moved columns: no write slips between
                TableName t = qualify(mv.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(Changes.finishMove(withFacts, mv));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
                if (!slots.contains(t)) {
                    slots.add(t);
                }
            } else if (c.change() instanceof MergeColumns mg) {
                TableName t = qualify(mg.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(Changes.finishMerge(withFacts, mg));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
                if (!slots.contains(t)) {
                    slots.add(t);
                }
            } else if (c.change() instanceof RenameColumn r) {
                // after the sync trigger's drop, in its transaction: no write slips between
                TableName t = qualify(r.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(Changes.renameColumn(t, r));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(c.id());
                if (!slots.contains(t)) {
                    slots.add(t);
                }
            } else {
                slots.add(Changes.forward(withFacts, Phase.CONTRACT, c.id(), c.change()));
            }
        }
        List<SqlUnit> units = new ArrayList<>();
        for (Object slot : slots) {
            if (!(slot instanceof TableName table)) {
                @SuppressWarnings("unchecked")
                List<SqlUnit> changeUnits = (List<SqlUnit>) slot;
                units.addAll(changeUnits);
                continue;
            }
            List<RenderedStatement> tableBody = bodies.getOrDefault(table, List.of());
            List<RenderedStatement> body = new ArrayList<>();
            List<DualWrite> tableRules = rules.getOrDefault(table, List.of());
            TableFacts f = facts.get(table);
            for (DualWrite r : tableRules) {
                if (f != null) {
                    units.addAll(validateCopyUnits(r, f));
                }
            }
            List<Changes.SwapParts> tableSwaps = swaps.getOrDefault(table, List.of());
            for (Changes.SwapParts sw : tableSwaps) {
                units.addAll(sw.before());
                body.addAll(sw.locks());
            }
            if (!tableRules.isEmpty()) {
                body.add(unmappedGuard(tableRules));
            }
            body.addAll(tableBody);
            for (DualWrite r : tableRules) {
                if (r.copiesColumn() && f != null) {
                    body.addAll(takeOver(r, f));
                }
                if (f != null) {
                    body.addAll(setLateNotNulls(r, f));
                }
            }
            for (Changes.SwapParts sw : tableSwaps) {
                body.addAll(sw.statements());
            }
            List<StepId> ids = new ArrayList<>(steps.getOrDefault(table, List.of()));
            if (ids.isEmpty()) {
                for (DualWrite r : tableRules) {
                    ids.add(r.id());
                }
            }
            units.add(locked(Phase.CONTRACT, ids, table, LockMode.ACCESS_EXCLUSIVE, body));
            for (Changes.SwapParts sw : tableSwaps) {
                units.addAll(sw.after());
            }
        }
        List<RenderedStatement> functions = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            functions.addAll(SyncTriggers.dropFunctions(planId, stateSchema, rule));
        }
        if (!functions.isEmpty()) {
            units.add(new SqlUnit(Phase.CONTRACT, List.of(), functions, true, null, LockMode.NONE, false));
        }
        return units;
    }

    /**
     * {@return the units that run at the end of the backfill phase, after every backfill, in plan order}
     *
     * @param plan the plan
     * @param facts catalog facts per qualified table (a type change's indexes are read from them)
     */
    public List<SqlUnit> afterBackfillUnits(MigrationPlan plan, Map<TableName, TableFacts> facts) {
        List<SqlUnit> units = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableFacts f = facts.get(qualify(rule.table()));
            if (f != null) {
                units.addAll(lateNotNullUnits(rule, f));
            }
        }
        ChangeContext withFacts = ctx.withFacts(facts);
        for (Step step : plan.steps(Phase.BACKFILL)) {
            if (step instanceof AfterBackfill a) {
                units.addAll(Changes.forward(withFacts, Phase.BACKFILL, a.id(), a.change()));
            }
        }
        return units;
    }

    /** SQLState of the contract guard's refusal: a value was recorded unmapped after the last verification. */
    public static final String GUARD_SQLSTATE = "TD420";

    /**
     * Under the contract's ACCESS EXCLUSIVE lock no writer can add a value any more: refuse if one was recorded
     * unmapped (forward) since the verification that let contract start.
     */
    private RenderedStatement unmappedGuard(List<DualWrite> rules) {
        String ids = rules.stream().map(r -> Sql.literal(r.id().value())).collect(Collectors.joining(", "));
        String body = "BEGIN\n  IF EXISTS (SELECT 1 FROM " + state("unmapped") + " WHERE plan_id = "
                + Sql.literal(planId) + " AND step_id IN (" + ids + ") AND direction = 'forward') THEN\n"
                + "    RAISE EXCEPTION 'values were recorded as unmapped after the verification' USING ERRCODE = '"
                + GUARD_SQLSTATE + "';\n  END IF;\nEND\n";
        return new RenderedStatement(
                "DO " + Sql.dollarQuoted(body),
                LockMode.NONE,
                null,
                false,
                false,
                "under the table's lock: refuses if a value was recorded unmapped since the verification");
    }

    // ---------------------------------------------------------------------------------------------------- rollback

    /**
     * {@return the rollback units, undoing expand in reverse: first each raw expand step's undo statement (last
     * first), while the columns they may name still exist; then the NOT NULL constraints expand relaxed; then per
     * table one transaction that drops the sync triggers and every column the plan added; then the sync functions}
     *
     * @param plan the plan
     */
    public List<SqlUnit> rollbackUnits(MigrationPlan plan) {
        return rollbackUnits(plan, step -> true);
    }

    /**
     * {@return the rollback units, with the NOT NULL restores only for the dropped columns {@code relaxed} accepts (for
     * explain; when rollback runs, each restore runs only if expand marked its relax done)}
     *
     * @param plan the plan
     * @param relaxed whether expand relaxes (or relaxed) the NOT NULL of the column a contract step drops
     */
    public List<SqlUnit> rollbackUnits(MigrationPlan plan, java.util.function.Predicate<Contract> relaxed) {
        Map<TableName, List<RenderedStatement>> bodies = new LinkedHashMap<>();
        Map<TableName, List<StepId>> steps = new LinkedHashMap<>();
        List<SqlUnit> raw = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            TableName t = qualify(rule.table());
            bodies.computeIfAbsent(t, k -> new ArrayList<>()).addAll(SyncTriggers.dropTriggers(planId, rule, t));
            steps.computeIfAbsent(t, k -> new ArrayList<>()).add(rule.id());
        }
        // what ran after the backfill is undone first, then expand, each in reverse plan order
        List<Step> undone = new ArrayList<>(plan.steps(Phase.EXPAND));
        undone.addAll(plan.steps(Phase.BACKFILL));
        java.util.Collections.reverse(undone);
        for (Step step : undone) {
            SchemaChange change;
            if (step instanceof Expand e) {
                change = e.change();
            } else if (step instanceof AfterBackfill a) {
                change = a.change();
            } else {
                continue;
            }
            if (change instanceof AddColumn a) {
                // with the plan's triggers on the table, in one transaction
                TableName t = qualify(a.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).add(dropColumn(t, a.column()));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(step.id());
            } else if (change instanceof CopyColumn a) {
                TableName t = qualify(a.table());
                bodies.computeIfAbsent(t, k -> new ArrayList<>()).add(dropColumn(t, a.copy()));
                steps.computeIfAbsent(t, k -> new ArrayList<>()).add(step.id());
            } else {
                raw.addAll(Changes.undo(ctx, step.id(), change));
            }
        }
        List<SqlUnit> units = new ArrayList<>(raw);
        units.addAll(restoreNotNull(plan, relaxed));
        for (Map.Entry<TableName, List<RenderedStatement>> e : bodies.entrySet()) {
            units.add(locked(
                    Phase.EXPAND,
                    steps.getOrDefault(e.getKey(), List.of()),
                    e.getKey(),
                    LockMode.ACCESS_EXCLUSIVE,
                    e.getValue(),
                    true));
        }
        // Tandem's own records of the plan (markers, cursors, unmapped values) are forgotten by the state store.
        List<RenderedStatement> functions = new ArrayList<>();
        for (DualWrite rule : plan.dualWrites()) {
            functions.addAll(SyncTriggers.dropFunctions(planId, stateSchema, rule));
        }
        if (!functions.isEmpty()) {
            units.add(new SqlUnit(Phase.EXPAND, List.of(), functions, true, null, LockMode.NONE, true));
        }
        return units;
    }

    /** {@return the search path of raw SQL: unqualified tables resolve in the default schema, as explain shows} */
    public String rawSearchPath() {
        return SessionSettings.userSearchPath(defaultSchema);
    }

    // ------------------------------------------------------------------------------------------- dropped NOT NULL

    /**
     * {@return the unit that lets the new version insert without a column the plan drops: {@code DROP NOT NULL}
     * (catalog-only), for a dropped column that is NOT NULL and has no default}
     *
     * @param step the contract step that drops the column
     * @param drop the drop
     */
    public SqlUnit relaxNotNullUnit(Contract step, DropColumn drop) {
        TableName t = qualify(drop.table());
        return locked(
                Phase.EXPAND,
                List.of(step.id()),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(t) + " ALTER COLUMN " + Sql.ident(drop.column()) + " DROP NOT NULL",
                        LockMode.ACCESS_EXCLUSIVE,
                        t,
                        false,
                        false,
                        "catalog-only: the new version's inserts leave the column out until contract drops it")));
    }

    /**
     * Rollback restores a relaxed NOT NULL without a long lock: a {@code CHECK (c IS NOT NULL) NOT VALID}, validated
     * under SHARE UPDATE EXCLUSIVE (reads and writes go on), lets {@code SET NOT NULL} skip its scan.
     */
    private List<SqlUnit> restoreNotNull(MigrationPlan plan, java.util.function.Predicate<Contract> relaxed) {
        List<SqlUnit> out = new ArrayList<>();
        for (Step step : plan.steps(Phase.CONTRACT)) {
            if (!(step instanceof Contract c) || !(c.change() instanceof DropColumn d) || !relaxed.test(c)) {
                continue;
            }
            out.addAll(Changes.restoreNotNull(
                    qualify(d.table()),
                    d.column(),
                    Names.notNullCheck(planId, c.id()),
                    c.id().value() + "/restore-not-null-",
                    c.id()));
        }
        return out;
    }
}
