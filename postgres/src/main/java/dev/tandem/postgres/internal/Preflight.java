package dev.tandem.postgres.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.Violation;
import dev.tandem.plan.AddColumn;
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
import dev.tandem.plan.Step;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks a plan passes against the catalog before anything changes: tables, columns and keys exist; every
 * expression parses, uses only the columns it may and fits the column it fills; no expression calls a function that an
 * application role could replace; no column that contract drops has dependents that would make the drop fail. Read
 * only: what it creates to check (a temporary table, a temporary view) lives in a transaction it rolls back.
 */
public final class Preflight {

    /** Appended to expression errors: names resolve the same everywhere, with built-ins only. */
    static final String RESOLUTION_HINT = "Expressions run with search_path = " + SessionSettings.SEARCH_PATH
            + " in the sync trigger, the backfill and verify alike: schema-qualify your own functions, types and"
            + " operators (for example public.digits_only(zip))";

    private final MigrationPlan plan;
    private final PostgresRenderer renderer;
    private final Identifier defaultSchema;
    private final List<Violation> violations = new ArrayList<>();
    private final Map<TableName, Catalog.Table> tables = new LinkedHashMap<>();

    /**
     * Creates the checks for one plan.
     *
     * @param plan the plan
     * @param renderer its renderer
     * @param defaultSchema the schema of unqualified tables, for messages
     */
    public Preflight(MigrationPlan plan, PostgresRenderer renderer, Identifier defaultSchema) {
        this.plan = plan;
        this.renderer = renderer;
        this.defaultSchema = defaultSchema;
    }

    /** {@return the violations found so far} */
    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    /** {@return the catalog facts of every table read, by qualified name} */
    public Map<TableName, TableFacts> facts() {
        Map<TableName, TableFacts> out = new LinkedHashMap<>();
        tables.forEach((k, v) -> out.put(k, v.facts()));
        return out;
    }

    /**
     * {@return every table the plan names, qualified}
     *
     * @param plan the plan
     * @param renderer its renderer
     */
    public static Set<TableName> tables(MigrationPlan plan, PostgresRenderer renderer) {
        Set<TableName> out = new LinkedHashSet<>();
        for (Step s : plan.steps()) {
            if (s instanceof Expand e && e.change() instanceof AddColumn a) {
                out.add(renderer.qualify(a.table()));
            } else if (s instanceof DualWrite d) {
                out.add(renderer.qualify(d.table()));
            } else if (s instanceof Contract k && k.change() instanceof DropColumn dc) {
                out.add(renderer.qualify(dc.table()));
            }
        }
        out.addAll(ChangeChecks.referencedTables(plan, renderer));
        return out;
    }

    /**
     * Reads every table of the plan; a missing one is a violation.
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public void readTables(Connection c) throws SQLException {
        for (TableName t : tables(plan, renderer)) {
            Catalog.table(c, t)
                    .ifPresentOrElse(
                            table -> tables.put(t, table),
                            () -> violations.add(new Violation(
                                    "plan",
                                    "table " + t.quoted() + " does not exist"
                                            + (t.schema() != null && t.schema().equals(defaultSchema)
                                                    ? " (unqualified names resolve in PostgresOptions.defaultSchema,"
                                                            + " now " + defaultSchema + ")"
                                                    : ""))));
        }
    }

    /**
     * The checks before expand.
     *
     * @param c the connection, autocommit
     * @param done the expand steps already marked done (an interrupted expand resumes)
     * @throws SQLException on failure
     */
    public void beforeExpand(Connection c, Set<String> done) throws SQLException {
        readTables(c);
        for (Step step : plan.steps()) {
            String where = step.id().value();
            if (step instanceof Expand e && e.change() instanceof AddColumn a) {
                Catalog.Table table = tables.get(renderer.qualify(a.table()));
                if (table != null && !done.contains(where) && table.fullTypes().containsKey(a.column())) {
                    violations.add(new Violation(
                            where,
                            "column " + a.column().quoted() + " already exists in "
                                    + renderer.qualify(a.table()).quoted() + "; the plan adds it"));
                }
            } else if (step instanceof DualWrite d) {
                checkRule(d);
                if (d.copiesColumn() && !done.contains(d.id().value())) {
                    checkCopy(c, d);
                }
            } else if (step instanceof Contract k && k.change() instanceof DropColumn dc) {
                checkDroppedColumnExists(k, dc);
            }
        }
        expressions(c, done);
        droppedColumnDependents(c);
        new ChangeChecks(plan, renderer, tables, violations).check(c, done, false);
    }

    /**
     * The checks before contract: dropped columns have no dependents that would make the drop fail.
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public void beforeContract(Connection c) throws SQLException {
        readTables(c);
        droppedColumnDependents(c);
        new ChangeChecks(plan, renderer, tables, violations).check(c, Set.of(), true);
    }

    private void checkRule(DualWrite d) {
        TableName t = renderer.qualify(d.table());
        Catalog.Table table = tables.get(t);
        if (table == null) {
            return;
        }
        String where = d.id().value();
        for (Identifier col : d.oldColumns()) {
            ColumnFacts f = table.facts().column(col);
            if (f == null) {
                violations.add(new Violation(where, "column " + col.quoted() + " does not exist in " + t.quoted()));
            } else if (d.twoWay() && !f.assignable()) {
                violations.add(new Violation(
                        where,
                        "old column " + col.quoted() + " of " + t.quoted() + " is "
                                + (f.generated() != ' ' ? "a generated column" : "an identity column GENERATED ALWAYS")
                                + ": the backward mapping cannot write it. Map it one-way (oneWay(reason)), or make it"
                                + " an ordinary column first"));
            }
        }
        if (!table.facts().hasKey()) {
            violations.add(new Violation(
                    where,
                    t.quoted() + " has no primary key; the backfill and verification work on key ranges. Add a"
                            + " primary key first"));
        }
    }

    /**
     * A rename by copy carries the old column's default, NOT NULL and single-column indexes over to the new column;
     * what it cannot carry safely is refused here, before anything changes, saying what to do instead.
     */
    private void checkCopy(Connection c, DualWrite d) throws SQLException {
        TableName t = renderer.qualify(d.table());
        Catalog.Table table = tables.get(t);
        Identifier old = d.oldColumns().get(0);
        ColumnFacts f = table == null ? null : table.facts().column(old);
        if (table == null || f == null) {
            return;
        }
        String where = d.id().value();
        String what = "renaming " + old.quoted() + " of " + t.quoted() + " by copy";
        List<String> problems = new ArrayList<>();
        if (table.facts().key().stream().anyMatch(k -> k.name().equals(old))) {
            problems.add("it is part of the primary key, which a copy cannot move without rebuilding every index and"
                    + " foreign key on it");
        }
        if (f.identity() != ' ') {
            problems.add("it is an identity column");
        } else if (f.defaultSql() != null && f.defaultVolatile()) {
            problems.add("its default " + f.defaultSql() + " is volatile (a sequence, a random value): the copy"
                    + " cannot take it over without two generators");
        }
        for (IndexFacts i : table.facts().indexes()) {
            if (i.columns().contains(old) && !i.primary() && !i.onlyOn(old)) {
                problems.add("index " + i.name().quoted() + " covers more than this column (or is partial or on an"
                        + " expression); recreate it for the new column in the plan first");
            } else if (i.onlyOn(old) && i.constraint() != null && !i.unique()) {
                problems.add("constraint " + i.constraint().quoted() + " (an exclusion constraint) uses it");
            }
        }
        for (String con : Catalog.constraintsOn(c, t, old)) {
            problems.add(con + " uses it; a copy does not rewrite constraints. Drop it, or add the equivalent for the"
                    + " new column in the plan");
        }
        for (String p : problems) {
            violations.add(new Violation(where, what + " is not supported: " + p + " (renameColumn keeps it)"));
        }
    }

    private void checkDroppedColumnExists(Contract k, DropColumn dc) {
        Catalog.Table table = tables.get(renderer.qualify(dc.table()));
        boolean added = plan.steps(Phase.EXPAND).stream()
                .anyMatch(s -> s instanceof Expand x
                        && x.change() instanceof AddColumn ac
                        && ac.table().equals(dc.table())
                        && ac.column().equals(dc.column()));
        if (table != null && !added && !table.fullTypes().containsKey(dc.column())) {
            violations.add(new Violation(
                    k.id().value(),
                    "column " + dc.column().quoted() + " does not exist in "
                            + renderer.qualify(dc.table()).quoted() + "; contract would drop it"));
        }
    }

    // ------------------------------------------------------------------------------------------------ expressions

    /**
     * Every expression must parse against the table, use only its side's columns, and fit the column it fills, before
     * anything changes: a typo installed in a trigger would fail every write of the old version. The checks run in a
     * transaction that is rolled back, with Tandem's pinned search path, so they resolve names exactly as the trigger,
     * the backfill and verify will.
     */
    private void expressions(Connection c, Set<String> done) throws SQLException {
        List<DualWrite> rules = new ArrayList<>();
        for (DualWrite d : plan.dualWrites()) {
            Catalog.Table known = tables.get(renderer.qualify(d.table()));
            if (!done.contains(d.id().value())
                    && known != null
                    && known.fullTypes().keySet().containsAll(d.oldColumns())) {
                rules.add(d);
            }
        }
        if (rules.isEmpty()) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            int n = 0;
            for (DualWrite d : rules) {
                n++;
                checkExpressions(c, d, n);
            }
        } finally {
            DdlRunner.rollbackQuietly(c);
            if (auto) {
                DdlRunner.autocommitQuietly(c);
            }
        }
    }

    private void checkExpressions(Connection c, DualWrite d, int n) throws SQLException {
        TableName t = renderer.qualify(d.table());
        Catalog.Table table = tables.get(t);
        if (table == null) {
            return;
        }
        Map<Identifier, String> newTypes = planTypes(d, plan, renderer, table);
        if (!newTypes.keySet().containsAll(d.newColumns())) {
            return; // a new column the plan neither adds nor finds: reported by the column checks
        }
        String old = "(SELECT " + columns(d.oldColumns(), "t.") + " FROM " + Sql.table(t) + " t) AS t";
        String news = "(SELECT "
                + d.newColumns().stream()
                        .map(col -> "NULL::" + newTypes.get(col) + " AS " + Sql.ident(col))
                        .collect(Collectors.joining(", "))
                + ") AS t";
        String forwardTable = "pg_temp." + Sql.ident("tandem_check_" + n + "_new");
        String backwardTable = "pg_temp." + Sql.ident("tandem_check_" + n + "_old");
        List<String> checks = new ArrayList<>();
        checks.add("CREATE TEMP TABLE " + forwardTable + " ("
                + d.forward().stream()
                        .map(m -> Sql.ident(m.column()) + " " + newTypes.get(m.column()))
                        .collect(Collectors.joining(", "))
                + ")");
        // INSERT ... SELECT applies assignment casts: a result that cannot go into its column fails here
        checks.add("EXPLAIN INSERT INTO " + forwardTable + " (" + Sql.idents(d.newColumns()) + ") SELECT "
                + expressions(d.forward()) + " FROM " + old);
        if (d.mappableWhen() != null) {
            checks.add("EXPLAIN SELECT (" + d.mappableWhen().sql() + ")::boolean FROM " + old);
        }
        // the view only records what the expressions depend on; its columns need distinct names
        List<String> forwardParts = new ArrayList<>();
        for (ColumnMapping m : d.forward()) {
            forwardParts.add("(" + m.expression().sql() + ")");
        }
        if (d.mappableWhen() != null) {
            forwardParts.add("(" + d.mappableWhen().sql() + ")::boolean");
        }
        String deps = "SELECT " + aliased(forwardParts) + " FROM " + old;
        if (d.twoWay()) {
            List<Identifier> targets =
                    d.backward().stream().map(ColumnMapping::column).collect(Collectors.toList());
            checks.add("CREATE TEMP TABLE " + backwardTable + " ("
                    + targets.stream()
                            .map(col -> Sql.ident(col) + " " + table.fullTypes().get(col))
                            .collect(Collectors.joining(", "))
                    + ")");
            checks.add("EXPLAIN INSERT INTO " + backwardTable + " (" + Sql.idents(targets) + ") SELECT "
                    + expressions(d.backward()) + " FROM " + news);
            List<String> backwardParts = new ArrayList<>();
            for (ColumnMapping m : d.backward()) {
                backwardParts.add("(" + m.expression().sql() + ")");
            }
            deps = deps + " UNION ALL SELECT " + nulls(forwardParts.size()) + " FROM (SELECT " + aliased(backwardParts)
                    + " FROM " + news + ") AS b";
        }
        String view = "pg_temp." + Sql.ident("tandem_check_" + n + "_deps");
        checks.add("CREATE TEMP VIEW " + view + " AS " + deps);
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_check");
            for (String sql : checks) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            rollbackToSavepoint(c);
            violations.add(new Violation(
                    d.id().value(),
                    "a mapping expression is invalid for " + t.quoted() + ": " + SqlStates.message(e)
                            + " (expressions: " + describe(d) + "; forward expressions and mappableWhen may use the"
                            + " old columns " + d.oldColumns() + ", backward expressions the new columns "
                            + d.newColumns() + "). " + RESOLUTION_HINT));
            return;
        }
        plantable(c, d, view);
    }

    private static String aliased(List<String> parts) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            out.add(parts.get(i) + " AS e" + (i + 1));
        }
        return String.join(", ", out);
    }

    private static String nulls(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add("NULL");
        }
        return out.isEmpty() ? "NULL" : String.join(", ", out);
    }

    private static void rollbackToSavepoint(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK TO SAVEPOINT tandem_check");
        } catch (SQLException e) {
            DdlRunner.rollbackQuietly(c);
        }
    }

    /**
     * The backfill and verify evaluate the expressions with the migrator's rights. A function or operator they call
     * outside {@code pg_catalog} lives in a schema; if a role other than the migrator (and the schema's owner and
     * superusers) may create objects there, it could plant an overload that resolves first, and it would run with the
     * migrator's rights. Refuse such a plan.
     */
    private void plantable(Connection c, DualWrite d, String view) throws SQLException {
        violations.addAll(plantable(c, d.id().value(), view, "the backfill and verify would run it"));
    }

    /**
     * {@return a violation for each function or operator the view's expressions call in a schema where a role other
     * than the migrator may create objects}
     *
     * @param c the connection
     * @param where the step, for the violation
     * @param view the temporary view over the expressions
     * @param runs what would run a planted overload with the migrator's rights, for the message
     */
    static List<Violation> plantable(Connection c, String where, String view, String runs) throws SQLException {
        List<Violation> found = new ArrayList<>();
        String sql = "WITH deps AS ("
                + " SELECT DISTINCT CASE WHEN dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
                + "   THEN (SELECT p.pronamespace FROM pg_catalog.pg_proc p WHERE p.oid = dep.refobjid)"
                + "   ELSE (SELECT o.oprnamespace FROM pg_catalog.pg_operator o WHERE o.oid = dep.refobjid) END AS nsp,"
                + "   pg_catalog.pg_describe_object(dep.refclassid, dep.refobjid, 0) AS what"
                + " FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_rewrite w ON w.oid = dep.objid"
                + " WHERE dep.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
                + "   AND w.ev_class = pg_catalog.to_regclass(?)"
                + "   AND dep.refclassid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,"
                + "     'pg_catalog.pg_operator'::pg_catalog.regclass))"
                + " SELECT deps.what, n.nspname, pg_catalog.string_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + "   ELSE r.rolname END, ', ')"
                + " FROM deps JOIN pg_catalog.pg_namespace n ON n.oid = deps.nsp"
                + " CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(n.nspacl,"
                + "   pg_catalog.acldefault('n', n.nspowner))) a"
                + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
                + " WHERE n.nspname <> 'pg_catalog' AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner"
                + "   AND (a.grantee = 0 OR (NOT r.rolsuper AND a.grantee <> (SELECT oid FROM pg_catalog.pg_roles"
                + "     WHERE rolname = CURRENT_USER) AND NOT pg_catalog.pg_has_role(a.grantee, CURRENT_USER, 'MEMBER')))"
                + " GROUP BY 1, 2 ORDER BY 2, 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Violation(
                            where,
                            "an expression calls " + rs.getString(1) + " in schema \"" + rs.getString(2)
                                    + "\", where " + rs.getString(3) + " may create objects: such a role could plant"
                                    + " an overload that resolves first, and " + runs
                                    + " with the migrator's rights. Revoke CREATE on that schema from them (REVOKE"
                                    + " CREATE ON SCHEMA " + Sql.ident(rs.getString(2)) + " FROM PUBLIC is the"
                                    + " default since PostgreSQL 15), or move the function to a schema only trusted"
                                    + " roles can write"));
                }
            }
        }
        return found;
    }

    private static Map<Identifier, String> newColumnTypes(DualWrite d, Catalog.Table table) {
        Map<Identifier, String> types = new HashMap<>();
        for (Identifier col : d.newColumns()) {
            String existing = table.fullTypes().get(col);
            if (existing != null) {
                types.put(col, existing);
            }
        }
        return types;
    }

    /**
     * {@return the new columns' types: the plan's for the columns it adds, the catalog's for the others}
     *
     * @param d the rule
     * @param plan the plan
     * @param renderer its renderer
     * @param table the table
     */
    static Map<Identifier, String> planTypes(
            DualWrite d, MigrationPlan plan, PostgresRenderer renderer, Catalog.Table table) {
        Map<Identifier, String> types = newColumnTypes(d, table);
        for (Step s : plan.steps(Phase.EXPAND)) {
            if (s instanceof Expand e
                    && e.change() instanceof AddColumn a
                    && renderer.qualify(a.table()).equals(renderer.qualify(d.table()))) {
                types.put(a.column(), a.type().sql());
            } else if (s instanceof Expand e
                    && e.change() instanceof CopyColumn a
                    && renderer.qualify(a.table()).equals(renderer.qualify(d.table()))
                    && table.fullTypes().containsKey(a.column())) {
                types.put(a.copy(), table.fullTypes().get(a.column()));
            }
        }
        return types;
    }

    private static String expressions(List<ColumnMapping> mappings) {
        return mappings.stream().map(m -> "(" + m.expression().sql() + ")").collect(Collectors.joining(", "));
    }

    private static String columns(List<Identifier> columns, String prefix) {
        return columns.stream().map(c -> prefix + Sql.ident(c)).collect(Collectors.joining(", "));
    }

    /**
     * {@return the rule's expressions, for messages}
     *
     * @param d the rule
     */
    public static String describe(DualWrite d) {
        List<String> out = new ArrayList<>();
        for (ColumnMapping m : d.forward()) {
            out.add(m.column() + " <- " + m.expression().sql());
        }
        for (ColumnMapping m : d.backward()) {
            out.add(m.column() + " <- " + m.expression().sql());
        }
        d.mappableCondition().ifPresent(e -> out.add("mappableWhen " + e.sql()));
        return String.join("; ", out);
    }

    // ------------------------------------------------------------------------------------------------ dependents

    /**
     * A column that contract drops must have no dependents that {@code DROP COLUMN} refuses (views, generated columns,
     * foreign keys from other tables, triggers, policies), found now rather than when contract has started.
     */
    private void droppedColumnDependents(Connection c) throws SQLException {
        for (Step step : plan.steps(Phase.CONTRACT)) {
            if (!(step instanceof Contract k) || !(k.change() instanceof DropColumn dc)) {
                continue;
            }
            TableName t = renderer.qualify(dc.table());
            if (!tables.containsKey(t)) {
                continue;
            }
            List<String> blocking = Catalog.blockingDependents(c, t, dc.column(), ownTriggers(t));
            if (!blocking.isEmpty()) {
                violations.add(new Violation(
                        k.id().value(),
                        "contract drops " + dc.column().quoted() + " of " + t.quoted() + ", but "
                                + String.join(", ", blocking) + (blocking.size() == 1 ? " depends" : " depend")
                                + " on it and DROP COLUMN would fail. Drop or change "
                                + (blocking.size() == 1 ? "it" : "them") + " first (a raw contract step cannot run"
                                + " before the drop yet), then run the phase again"));
            }
        }
    }

    private Set<String> ownTriggers(TableName t) {
        Set<String> out = new LinkedHashSet<>();
        for (DualWrite d : plan.dualWrites()) {
            if (renderer.qualify(d.table()).equals(t)) {
                out.add(Names.insertTrigger(plan.id(), d).value());
                out.add(Names.updateTrigger(plan.id(), d).value());
                out.add(Names.updateNewSideTrigger(plan.id(), d).value());
                out.add(Names.noteStatementTrigger(plan.id(), d).value());
                out.add(Names.noteInsertTrigger(plan.id(), d).value());
                out.add(Names.noteUpdateTrigger(plan.id(), d).value());
            }
        }
        for (Step step : plan.steps(Phase.EXPAND)) {
            if (step instanceof Expand e
                    && e.change() instanceof MoveColumns m
                    && renderer.qualify(m.table()).equals(t)) {
                out.addAll(MoveTriggers.sourceTriggerNames(plan.id(), m));
            } else if (step instanceof Expand e
                    && e.change() instanceof MergeColumns m
                    && renderer.qualify(m.table()).equals(t)) {
                out.addAll(MoveTriggers.mergeTriggerNames(plan.id(), m));
            }
        }
        return out;
    }

    /**
     * {@return notes for explain: what dropping each column also drops (indexes, constraints)}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public Map<String, List<String>> alsoDropped(Connection c) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Step step : plan.steps(Phase.CONTRACT)) {
            if (step instanceof Contract k && k.change() instanceof DropColumn dc) {
                TableName t = renderer.qualify(dc.table());
                if (tables.containsKey(t)) {
                    List<String> auto = Catalog.autoDependents(c, t, dc.column());
                    if (!auto.isEmpty()) {
                        out.put(k.id().value(), auto);
                    }
                }
            }
        }
        return out;
    }
}
