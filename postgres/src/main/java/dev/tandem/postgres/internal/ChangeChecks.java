package dev.tandem.postgres.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.Violation;
import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.Contract;
import dev.tandem.plan.CopyColumn;
import dev.tandem.plan.CopyIndexes;
import dev.tandem.plan.CreateIndex;
import dev.tandem.plan.CreateTable;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DropConstraint;
import dev.tandem.plan.DropIndex;
import dev.tandem.plan.DropNotNull;
import dev.tandem.plan.DropTable;
import dev.tandem.plan.DropView;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.RenameConstraint;
import dev.tandem.plan.RenameTable;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.SetReplicaIdentity;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.Step;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.plan.ValidateConstraint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The catalog checks of the constraint, index and column-default changes, before anything changes: the tables and
 * columns exist (or the plan adds them), names are free, a foreign key references a key, and every expression works
 * against the table with Tandem's pinned search path. Each problem says which step and what to change.
 */
final class ChangeChecks {

    private static final Pattern QUOTED_COLUMN = Pattern.compile("\"(?:[^\"]|\"\")+\"");

    private final MigrationPlan plan;
    private final PostgresRenderer renderer;
    private final Map<TableName, Catalog.Table> tables;
    private final List<Violation> violations;
    /** Whether the checks run before contract (the expand steps ran) rather than before expand. */
    private boolean beforeContract;
    /** Per qualified table, the columns the plan adds in expand and their types. */
    private final Map<TableName, Map<Identifier, String>> added = new LinkedHashMap<>();

    ChangeChecks(
            MigrationPlan plan,
            PostgresRenderer renderer,
            Map<TableName, Catalog.Table> tables,
            List<Violation> violations) {
        this.plan = plan;
        this.renderer = renderer;
        this.tables = tables;
        this.violations = violations;
        for (Step s : plan.steps()) {
            if (s instanceof Expand e && e.change() instanceof AddColumn a) {
                added.computeIfAbsent(renderer.qualify(a.table()), k -> new LinkedHashMap<>())
                        .put(a.column(), a.type().sql());
            } else if (s instanceof Expand e && e.change() instanceof CopyColumn a) {
                Catalog.Table table = tables.get(renderer.qualify(a.table()));
                String type = table == null ? null : table.fullTypes().get(a.column());
                if (type != null) {
                    added.computeIfAbsent(renderer.qualify(a.table()), k -> new LinkedHashMap<>())
                            .put(a.copy(), type);
                }
            } else if (s instanceof DualWrite d) {
                // derive targets are added by the plan's AddColumn steps, already collected
                added.computeIfAbsent(renderer.qualify(d.table()), k -> new LinkedHashMap<>());
            }
        }
    }

    /** {@return the tables the plan's changes name besides those of its columns and rules: referenced tables} */
    static Set<TableName> referencedTables(MigrationPlan plan, PostgresRenderer renderer) {
        Set<TableName> out = new java.util.LinkedHashSet<>();
        Set<TableName> created = new java.util.HashSet<>();
        for (Step s : plan.steps()) {
            SchemaChange change = changeOf(s);
            if (change == null) {
                continue;
            }
            if (change instanceof CreateTable ct) {
                created.add(renderer.qualify(ct.table()));
                for (CreateTable.NamedConstraint k : ct.constraints()) {
                    if (k.definition() instanceof ConstraintDefinition.ForeignKey fk) {
                        out.add(renderer.qualify(fk.referencedTable()));
                    }
                }
            } else if (!(change instanceof RenameTable)
                    && !(change instanceof DropView)
                    && !(change instanceof DropTable)) {
                // a renamed or dropped table is checked on its own: later its name is a view, or nothing
                change.subject().ifPresent(t -> out.add(renderer.qualify(t)));
            }
            if (change instanceof AddConstraint a && a.definition() instanceof ConstraintDefinition.ForeignKey fk) {
                out.add(renderer.qualify(fk.referencedTable()));
            }
            if (change instanceof MergeColumns m) {
                out.add(renderer.qualify(m.into()));
            }
        }
        out.removeAll(created);
        return out;
    }

    static @Nullable SchemaChange changeOf(Step s) {
        if (s instanceof Expand e) {
            return e.change();
        }
        if (s instanceof AfterBackfill a) {
            return a.change();
        }
        if (s instanceof Contract k) {
            return k.change();
        }
        return null;
    }

    /**
     * Checks every change not marked done.
     *
     * @param c the connection; autocommit or not, it is left as it was
     * @param done the steps marked done, any phase
     * @param contractOnly whether only contract-phase changes are checked (before contract)
     */
    void check(Connection c, Set<String> done, boolean contractOnly) throws SQLException {
        this.beforeContract = contractOnly;
        boolean auto = c.getAutoCommit();
        if (auto) {
            c.setAutoCommit(false);
        }
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_change_checks");
            for (Step step : plan.steps()) {
                SchemaChange change = changeOf(step);
                if (change == null
                        || done.contains(step.id().value())
                        || (contractOnly && !(step instanceof Contract))) {
                    continue;
                }
                check(c, step, change);
            }
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK TO SAVEPOINT tandem_change_checks");
            } catch (SQLException e) {
                DdlRunner.rollbackQuietly(c);
            }
            if (auto) {
                DdlRunner.rollbackQuietly(c);
                DdlRunner.autocommitQuietly(c);
            }
        }
    }

    private void check(Connection c, Step step, SchemaChange change) throws SQLException {
        String where = step.id().value();
        TableName raw = change.subject().orElse(null);
        if (raw == null) {
            return;
        }
        TableName t = renderer.qualify(raw);
        if (change instanceof CreateTable ct) {
            checkCreateTable(c, where, t, ct);
            return;
        }
        if (change instanceof RenameTable rt) {
            if (!tableExists(c, t)) {
                violations.add(new Violation(where, "table " + t.quoted() + " does not exist"));
            }
            if (Catalog.serverVersion(c) < 150000 && rowSecurityOrColumnGrants(c, t)) {
                violations.add(new Violation(
                        where,
                        t.quoted() + " has row-level security or column privileges. Before PostgreSQL 15 a view cannot"
                                + " check them as its user (security_invoker), so readers of the old name would get"
                                + " the view owner's access. Rename it with rawSql and a view you define, or on"
                                + " PostgreSQL 15 and later"));
            }
            TableName target = renderer.qualify(rt.renamed());
            if (relationExists(c, target)) {
                violations.add(
                        new Violation(where, "a relation " + target.quoted() + " already exists; choose another name"));
            }
            return;
        }
        if (change instanceof DropTable) {
            if (!tableExists(c, t)) {
                violations.add(new Violation(where, "table " + t.quoted() + " does not exist"));
            }
            for (String d : dependentsOfTable(c, t)) {
                violations.add(new Violation(
                        where,
                        "dropping " + t.quoted() + " would also drop " + d
                                + "; drop or change it first, in an earlier plan"));
            }
            return;
        }
        if (change instanceof DropView) {
            return;
        }
        Catalog.Table table = tables.get(t);
        if (table == null) {
            return; // reported with the other missing tables
        }
        boolean unused = change.accept(new SchemaChange.Visitor<Boolean>() {
            @Override
            public Boolean visitAddColumn(AddColumn a) {
                SqlExpression d = a.defaultValue();
                if (d != null) {
                    checkDefault(c, where, t, a, d);
                }
                return true;
            }

            @Override
            public Boolean visitDropColumn(DropColumn d) {
                return true; // checked with the drop's dependents
            }

            @Override
            public Boolean visitCopyColumn(CopyColumn x) {
                columns(where, t, table, List.of(x.column()), "column");
                if (table.fullTypes().containsKey(x.copy())) {
                    violations.add(new Violation(
                            where,
                            "column " + x.copy().quoted() + " already exists in " + t.quoted()
                                    + "; the rename needs the name for the new version. Choose another name"));
                }
                return true; // a generated or GENERATED ALWAYS column is refused with the sync rule
            }

            @Override
            public Boolean visitCopyIndexes(CopyIndexes x) {
                return true;
            }

            @Override
            public Boolean visitSetReplicaIdentity(SetReplicaIdentity x) {
                x.identity().indexName().ifPresent(i -> replicaIdentityIndex(c, where, t, table, i));
                return true;
            }

            @Override
            public Boolean visitSetDefault(SetDefault x) {
                String type = table.fullTypes().get(x.column());
                SqlExpression value = x.value();
                if (type == null) {
                    columns(where, t, table, List.of(x.column()), "column");
                } else if (value != null) {
                    checkSetDefault(c, where, x, type, value);
                }
                return true;
            }

            @Override
            public Boolean visitMoveColumns(MoveColumns x) {
                if (step instanceof Contract) {
                    // only once expand ran (its triggers are on the table): explain checks contract before that
                    if (beforeContract
                            && !tableExists(c, renderer.qualify(x.target()))
                            && hasTrigger(
                                    c,
                                    t,
                                    MoveTriggers.sourceTriggerNames(plan.id(), x)
                                            .get(0))) {
                        violations.add(new Violation(
                                where,
                                "the new table " + renderer.qualify(x.target()).quoted() + " does not exist any more;"
                                        + " the moved columns would be lost. Roll the plan back instead"));
                    }
                    return true;
                }
                moveColumns(c, where, t, table, x);
                return true;
            }

            @Override
            public Boolean visitMergeColumns(MergeColumns x) {
                if (!(step instanceof Contract)) {
                    mergeColumns(c, where, t, table, x);
                }
                return true;
            }

            @Override
            public Boolean visitRenameColumn(RenameColumn x) {
                // at contract: the column and the copy the new version used are both still there
                columns(where, t, table, List.of(x.column(), x.newName()), "column");
                return true;
            }

            @Override
            public Boolean visitCreateIndex(CreateIndex i) {
                columns(where, t, table, i.include(), "INCLUDE column");
                for (SqlExpression k : i.keys()) {
                    Identifier plain = plainColumn(k);
                    if (plain != null) {
                        columns(where, t, table, List.of(plain), "index column");
                    } else {
                        expression(c, where, t, table, k.sql(), "index expression");
                    }
                }
                if (i.where() != null) {
                    expression(c, where, t, table, "(" + i.where().sql() + ")::pg_catalog.bool", "index predicate");
                }
                existingIndex(c, where, t, i.name());
                return true;
            }

            @Override
            public Boolean visitDropIndex(DropIndex d) {
                droppedIndex(c, where, t, d.name());
                return true;
            }

            @Override
            public Boolean visitAddConstraint(AddConstraint a) {
                if (constraintExists(c, t, a.name())) {
                    violations.add(
                            new Violation(
                                    where,
                                    "constraint " + a.name().quoted() + " already exists on " + t.quoted()
                                            + "; choose another name, or drop it first with dropConstraint in an earlier plan"));
                }
                boolean checked = a.definition().accept(new ConstraintDefinition.Visitor<Boolean>() {
                    @Override
                    public Boolean visitCheck(ConstraintDefinition.Check k) {
                        expression(
                                c,
                                where,
                                t,
                                table,
                                "(" + k.condition().sql() + ")::pg_catalog.bool",
                                "check condition");
                        return true;
                    }

                    @Override
                    public Boolean visitForeignKey(ConstraintDefinition.ForeignKey k) {
                        columns(where, t, table, k.columns(), "foreign key column");
                        TableName ref = renderer.qualify(k.referencedTable());
                        Catalog.Table refTable = tables.get(ref);
                        if (refTable == null) {
                            return true;
                        }
                        columns(where, ref, refTable, k.referencedColumns(), "referenced column");
                        if (!hasKeyOver(c, ref, k.referencedColumns())) {
                            violations.add(new Violation(
                                    where,
                                    "no primary key or unique constraint of " + ref.quoted() + " covers exactly "
                                            + Sql.idents(k.referencedColumns())
                                            + ", which a foreign key needs; add one (addUnique) in an earlier plan"));
                        }
                        return true;
                    }

                    @Override
                    public Boolean visitPrimaryKey(ConstraintDefinition.PrimaryKey k) {
                        columns(where, t, table, k.columns(), "primary key column");
                        if (table.facts().hasKey()) {
                            violations.add(
                                    new Violation(where, t.quoted() + " already has a primary key; a table has one"));
                        }
                        return true;
                    }

                    @Override
                    public Boolean visitUnique(ConstraintDefinition.Unique k) {
                        columns(where, t, table, k.columns(), "unique column");
                        return true;
                    }
                });
                return checked;
            }

            @Override
            public Boolean visitValidateConstraint(ValidateConstraint v) {
                return true;
            }

            @Override
            public Boolean visitSetNotNull(SetNotNull n) {
                columns(where, t, table, List.of(n.column()), "column");
                return true;
            }

            @Override
            public Boolean visitDropConstraint(DropConstraint d) {
                if (!constraintExists(c, t, d.name()) && !addedByPlan(t, d.name())) {
                    violations.add(new Violation(
                            where, "constraint " + d.name().quoted() + " does not exist on " + t.quoted()));
                }
                return true;
            }

            @Override
            public Boolean visitCreateTable(CreateTable x) {
                return true;
            }

            @Override
            public Boolean visitDropTable(DropTable x) {
                return true;
            }

            @Override
            public Boolean visitRenameTable(RenameTable x) {
                return true;
            }

            @Override
            public Boolean visitDropView(DropView x) {
                return true;
            }

            @Override
            public Boolean visitPrepareSwap(PrepareSwap x) {
                checkTypeChange(c, where, t, table, x.column(), x.shadow());
                return true;
            }

            @Override
            public Boolean visitSwapColumn(SwapColumn x) {
                return true;
            }

            @Override
            public Boolean visitDropNotNull(DropNotNull x) {
                ColumnFacts f = table.facts().column(x.column());
                if (f == null) {
                    columns(where, t, table, List.of(x.column()), "column");
                } else if (!f.notNull()) {
                    violations.add(new Violation(
                            where,
                            "column " + x.column().quoted() + " is already nullable; rollback would make it NOT NULL."
                                    + " Remove the operation"));
                } else if (table.facts().key().stream().anyMatch(k -> k.name().equals(x.column()))) {
                    violations.add(new Violation(
                            where, "column " + x.column().quoted() + " is part of the primary key, which is NOT NULL"));
                }
                return true;
            }

            @Override
            public Boolean visitRenameConstraint(RenameConstraint x) {
                if (!constraintExists(c, t, x.name())) {
                    violations.add(new Violation(
                            where, "constraint " + x.name().quoted() + " does not exist on " + t.quoted()));
                }
                if (constraintExists(c, t, x.newName())) {
                    violations.add(new Violation(
                            where, "constraint " + x.newName().quoted() + " already exists on " + t.quoted()));
                }
                return true;
            }

            @Override
            public Boolean visitRaw(RawChange r) {
                return true;
            }
        });
    }

    private static boolean hasTrigger(Connection c, TableName t, String name) {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid ="
                        + " pg_catalog.to_regclass(?) AND tgname = ?)")) {
            ps.setString(1, Sql.table(t));
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Columns can merge back when the table they leave is keyed 1:1 to the table that takes them (its one-column primary
     * key is a foreign key to the other's one-column primary key), each is a plain column whose name is free there, and
     * every other column of the table they leave can be left out (the triggers fill only the key and the merged
     * columns when the new version's writes create a row there).
     */
    private void mergeColumns(Connection c, String where, TableName t, Catalog.Table table, MergeColumns x) {
        TableName into = renderer.qualify(x.into());
        Catalog.Table target = tables.get(into);
        TableFacts facts = table.facts();
        if (target == null) {
            return; // reported with the other missing tables
        }
        if (facts.key().size() != 1 || target.facts().key().size() != 1) {
            violations.add(new Violation(
                    where, "merging needs a one-column primary key on both " + t.quoted() + " and " + into.quoted()));
            return;
        }
        Identifier key = facts.key().get(0).name();
        Identifier intoKey = target.facts().key().get(0).name();
        if (!keyedTo(c, t, key, into, intoKey)) {
            violations.add(new Violation(
                    where,
                    "the primary key " + key.quoted() + " of " + t.quoted() + " is not a foreign key to "
                            + into.quoted() + " (" + intoKey.quoted() + "), so its rows do not belong to one row each"
                            + " there. Add the foreign key first (addForeignKey, in an earlier plan)"));
        }
        columns(where, t, table, x.columns(), "column");
        for (Identifier name : x.columns()) {
            ColumnFacts col = facts.column(name);
            if (col == null) {
                continue;
            }
            if (name.equals(key)) {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " is the primary key of " + t.quoted() + "; it cannot merge"));
            } else if (col.generated() != ' ' || col.identity() != ' ') {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " of " + t.quoted() + " is "
                                + (col.generated() != ' ' ? "generated" : "an identity")
                                + "; it cannot be kept in sync. Make it a plain column first"));
            } else if (col.defaultSql() != null && col.defaultSql().contains("nextval(")) {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " of " + t.quoted() + " takes its default from a sequence ("
                                + col.defaultSql() + "); two tables cannot share it. Drop the default first"));
            }
            if (target.fullTypes().containsKey(name)) {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " already exists in " + into.quoted()
                                + "; the merge adds it. Rename one of them first"));
            }
        }
        for (ColumnFacts col : facts.columns().values()) {
            if (!col.name().equals(key) && !x.columns().contains(col.name()) && col.notNull() && !col.hasDefault()) {
                violations.add(new Violation(
                        where,
                        "column " + col.name().quoted() + " of " + t.quoted() + " is NOT NULL without a default, and"
                                + " the new version's writes reach that table with the key and the merged columns"
                                + " only. Merge it too, or give it a default first"));
            }
        }
    }

    private static boolean keyedTo(Connection c, TableName t, Identifier key, TableName into, Identifier intoKey) {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT FROM pg_catalog.pg_constraint k"
                + " WHERE k.contype = 'f' AND k.conrelid = pg_catalog.to_regclass(?)"
                + " AND k.confrelid = pg_catalog.to_regclass(?)"
                + " AND k.conkey = ARRAY[(SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = k.conrelid"
                + " AND a.attname = ?)]::int2[]"
                + " AND k.confkey = ARRAY[(SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = k.confrelid"
                + " AND a.attname = ?)]::int2[])")) {
            ps.setString(1, Sql.table(t));
            ps.setString(2, Sql.table(into));
            ps.setString(3, key.value());
            ps.setString(4, intoKey.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Columns can move when the table has a one-column primary key to key the new table by, each column is a plain one
     * (not generated, not an identity, no sequence default: those cannot be shared by two tables), and the new table's
     * name is free.
     */
    private void moveColumns(Connection c, String where, TableName t, Catalog.Table table, MoveColumns x) {
        TableFacts facts = table.facts();
        if (facts.key().size() != 1) {
            violations.add(new Violation(
                    where,
                    t.quoted()
                            + (facts.key().isEmpty()
                                    ? " has no primary key"
                                    : " has a primary key of " + facts.key().size() + " columns")
                            + "; moving columns keys the new table by the table's one-column primary key. Add one"
                            + " first (addPrimaryKey, in an earlier plan)"));
        }
        columns(where, t, table, x.columns(), "column");
        for (Identifier name : x.columns()) {
            ColumnFacts col = facts.column(name);
            if (col == null) {
                continue;
            }
            if (facts.key().stream().anyMatch(k -> k.name().equals(name))) {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " is the primary key of " + t.quoted() + "; it cannot move"));
            } else if (col.generated() != ' ' || col.identity() != ' ') {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " of " + t.quoted() + " is "
                                + (col.generated() != ' ' ? "generated" : "an identity")
                                + "; the new table cannot share it. Make it a plain column first, or move the others"));
            } else if (col.defaultSql() != null && col.defaultSql().contains("nextval(")) {
                violations.add(new Violation(
                        where,
                        "column " + name.quoted() + " of " + t.quoted() + " takes its default from a sequence ("
                                + col.defaultSql() + "); two tables cannot share it. Drop the default first"));
            }
        }
        if (rowSecurity(c, t)) {
            violations.add(new Violation(
                    where,
                    t.quoted() + " has row-level security; the new table would not have its policies, and every role"
                            + " with its grants could read the moved columns of every row. Create the new table with"
                            + " its policies yourself (createTable, rawSql) and move the data with deriveColumns or"
                            + " rawSql"));
        }
        TableName target = renderer.qualify(x.target());
        if (relationExists(c, target)) {
            violations.add(new Violation(
                    where,
                    "a relation " + target.quoted() + " already exists; the move creates it. Choose another name"));
        }
    }

    /** A new table is created for real in a savepoint that is rolled back: PostgreSQL itself checks it. */
    private void checkCreateTable(Connection c, String where, TableName t, CreateTable ct) {
        if (relationExists(c, t)) {
            violations.add(new Violation(where, "a relation " + t.quoted() + " already exists"));
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_create_table");
            try {
                s.execute(dev.tandem.postgres.internal.change.Changes.createTable(t, ct));
            } catch (SQLException e) {
                violations.add(new Violation(
                        where,
                        "table " + t.quoted() + " cannot be created: " + firstLine(e) + ". "
                                + Preflight.RESOLUTION_HINT));
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT tandem_create_table");
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the new table could not be checked: " + firstLine(e)));
        }
        for (CreateTable.NamedConstraint k : ct.constraints()) {
            if (k.definition() instanceof ConstraintDefinition.ForeignKey fk) {
                TableName ref = renderer.qualify(fk.referencedTable());
                Catalog.Table refTable = tables.get(ref);
                if (refTable != null) {
                    columns(where, ref, refTable, fk.referencedColumns(), "referenced column");
                    if (!hasKeyOver(c, ref, fk.referencedColumns())) {
                        violations.add(new Violation(
                                where,
                                "no primary key or unique constraint of " + ref.quoted() + " covers exactly "
                                        + Sql.idents(fk.referencedColumns()) + ", which foreign key "
                                        + k.name().quoted() + " needs"));
                    }
                }
                Set<Identifier> own = new HashSet<>();
                ct.columns().forEach(col -> own.add(col.name()));
                for (Identifier col : fk.columns()) {
                    if (!own.contains(col)) {
                        violations.add(new Violation(
                                where, "foreign key column " + col.quoted() + " is not a column of " + t.quoted()));
                    }
                }
            }
        }
    }

    /** What a type change's swap cannot carry over is refused before anything changes. */
    private void checkTypeChange(
            Connection c, String where, TableName t, Catalog.Table table, Identifier column, Identifier shadow) {
        ColumnFacts f = table.facts().column(column);
        if (f == null) {
            return; // reported by the rule's checks
        }
        String newType = added.getOrDefault(t, Map.of()).get(shadow);
        if (newType != null) {
            // the column's checks come back after the swap: they must work on the new type
            StringBuilder cols = new StringBuilder();
            for (Identifier col : table.fullTypes().keySet()) {
                cols.append(cols.length() == 0 ? "" : ", ")
                        .append(
                                col.equals(column)
                                        ? "NULL::" + newType + " AS " + Sql.ident(col)
                                        : "t." + Sql.ident(col));
            }
            for (ConstraintFacts k : table.facts().constraints()) {
                if (!k.foreignKey()
                        && k.owner().equals(t)
                        && k.columns().contains(column)
                        && k.definition().startsWith("CHECK ")) {
                    String expr = k.definition().substring("CHECK ".length()).replace(" NOT VALID", "");
                    try (Statement s = c.createStatement()) {
                        s.execute("SAVEPOINT tandem_type_check");
                        try {
                            s.execute("CREATE TEMP VIEW tandem_type_check AS SELECT " + expr + " AS v FROM (SELECT "
                                    + cols + " FROM ONLY " + Sql.table(t) + " t) AS t");
                        } catch (SQLException e) {
                            violations.add(new Violation(
                                    where,
                                    "check " + k.name().quoted() + " (" + k.definition() + ") does not work on the new"
                                            + " type " + newType + ": " + firstLine(e) + ". Drop it (dropConstraint)"
                                            + " in an earlier plan and add a check for the new type after"));
                        } finally {
                            s.execute("ROLLBACK TO SAVEPOINT tandem_type_check");
                        }
                    } catch (SQLException e) {
                        violations.add(new Violation(where, "the column's checks could not be read: " + firstLine(e)));
                    }
                }
            }
        }
        if (f.identity() != ' ') {
            violations.add(new Violation(
                    where,
                    "column " + column.quoted() + " is an identity column, which a type change cannot carry over yet;"
                            + " change it to a serial default first (ALTER ... DROP IDENTITY, in rawSql)"));
        }
        if (f.generated() != ' ') {
            violations.add(new Violation(where, "column " + column.quoted() + " is generated; change its expression"));
        }
        for (IndexFacts i : table.facts().indexes()) {
            if (i.columns().contains(column) && !i.onlyOn(column)) {
                violations.add(new Violation(
                        where,
                        "index " + i.name().quoted() + " uses " + column.quoted() + " with other columns, or is partial"
                                + " or on an expression; a type change carries over only single-column indexes. Drop"
                                + " it (dropIndex or dropConstraint) in an earlier plan and create it again after"));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT v.oid::pg_catalog.regclass::text"
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid"
                + " JOIN pg_catalog.pg_class v ON v.oid = w.ev_class"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
                + " AND d.refobjid = pg_catalog.to_regclass(?) AND a.attname = ? AND v.oid <> d.refobjid")) {
            ps.setString(1, t.quoted());
            ps.setString(2, column.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    violations.add(new Violation(
                            where,
                            "view " + rs.getString(1) + " uses " + column.quoted()
                                    + "; a type change would have to drop it. Drop it in an earlier plan, or change"
                                    + " the view with rawSql"));
                }
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the column's views could not be read: " + firstLine(e)));
        }
    }

    private static boolean rowSecurity(Connection c, TableName t) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT x.relrowsecurity FROM pg_catalog.pg_class x WHERE x.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, t.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return true; // unknown: refuse, the safe side
        }
    }

    private static boolean rowSecurityOrColumnGrants(Connection c, TableName t) {
        try (PreparedStatement ps = c.prepareStatement("SELECT x.relrowsecurity OR EXISTS (SELECT FROM"
                + " pg_catalog.pg_attribute a WHERE a.attrelid = x.oid AND a.attacl IS NOT NULL)"
                + " FROM pg_catalog.pg_class x WHERE x.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, t.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return true; // unknown: refuse, the safe side
        }
    }

    private static boolean tableExists(Connection c, TableName t) {
        return relkind(c, t).map(k -> k.equals("r") || k.equals("p")).orElse(false);
    }

    private static boolean relationExists(Connection c, TableName t) {
        return relkind(c, t).isPresent();
    }

    private static java.util.Optional<String> relkind(Connection c, TableName t) {
        try (PreparedStatement ps = c.prepareStatement("SELECT x.relkind::text FROM pg_catalog.pg_class x"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace WHERE n.nspname = ? AND x.relname = ?")) {
            ps.setString(1, String.valueOf(t.schemaName().map(Identifier::value).orElse("")));
            ps.setString(2, t.name().value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            return java.util.Optional.empty();
        }
    }

    /** Views over the table and foreign keys of other tables that reference it: {@code DROP TABLE} refuses them. */
    private static List<String> dependentsOfTable(Connection c, TableName t) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT 'view ' || v.oid::pg_catalog.regclass::text"
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite w ON w.oid = d.objid"
                + " JOIN pg_catalog.pg_class v ON v.oid = w.ev_class"
                + " WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
                + " AND d.refobjid = pg_catalog.to_regclass(?) AND v.oid <> d.refobjid"
                + " UNION SELECT 'foreign key ' || pg_catalog.quote_ident(con.conname) || ' of '"
                + " || con.conrelid::pg_catalog.regclass::text FROM pg_catalog.pg_constraint con"
                + " WHERE con.contype = 'f' AND con.confrelid = pg_catalog.to_regclass(?)"
                + " AND con.conrelid <> con.confrelid ORDER BY 1")) {
            ps.setString(1, t.quoted());
            ps.setString(2, t.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            out.add("(its dependents could not be read: " + firstLine(e) + ")");
        }
        return out;
    }

    private boolean addedByPlan(TableName t, Identifier name) {
        for (Step s : plan.steps()) {
            SchemaChange change = changeOf(s);
            if (change instanceof AddConstraint a
                    && renderer.qualify(a.table()).equals(t)
                    && a.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable Identifier plainColumn(SqlExpression key) {
        String sql = key.sql();
        if (!QUOTED_COLUMN.matcher(sql).matches()) {
            return null;
        }
        return Identifier.of(sql.substring(1, sql.length() - 1).replace("\"\"", "\""));
    }

    private void columns(String where, TableName t, Catalog.Table table, List<Identifier> columns, String what) {
        Map<Identifier, String> plan = added.getOrDefault(t, Map.of());
        for (Identifier col : columns) {
            if (!table.fullTypes().containsKey(col) && !plan.containsKey(col)) {
                violations.add(new Violation(
                        where,
                        what + " " + col.quoted() + " does not exist in " + t.quoted() + " (columns: "
                                + String.join(
                                        ", ",
                                        table.fullTypes().keySet().stream()
                                                .map(Identifier::value)
                                                .toList())
                                + ")"));
            }
        }
    }

    /** The expression must evaluate against the table (and the columns the plan adds), with the pinned search path. */
    private void expression(Connection c, String where, TableName t, Catalog.Table table, String sql, String what) {
        StringBuilder from = new StringBuilder("(SELECT t.*");
        for (Map.Entry<Identifier, String> e : added.getOrDefault(t, Map.of()).entrySet()) {
            if (!table.fullTypes().containsKey(e.getKey())) {
                from.append(", NULL::").append(e.getValue()).append(" AS ").append(Sql.ident(e.getKey()));
            }
        }
        from.append(" FROM ONLY ").append(Sql.table(t)).append(" t) AS t");
        viewChecks(c, where, "SELECT " + sql + " FROM " + from, what + " does not work on " + t.quoted() + ": ");
    }

    /**
     * Creates a temporary view of {@code select} in a savepoint it rolls back: PostgreSQL resolves and type-checks every
     * name without running anything (an EXPLAIN would fold immutable calls, running them). Then refuses functions and
     * operators from schemas an application role could plant an overload in: VALIDATE and index builds run them with
     * the migrator's rights.
     */
    private void viewChecks(Connection c, String where, String select, String failure) {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_expression");
            try {
                s.execute("CREATE TEMP VIEW tandem_expression_check AS " + select);
                violations.addAll(Preflight.plantable(
                        c, where, "pg_temp.tandem_expression_check", "validating or building it would run it"));
            } catch (SQLException e) {
                violations.add(new Violation(where, failure + firstLine(e) + ". " + Preflight.RESOLUTION_HINT));
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT tandem_expression");
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the expression could not be checked: " + firstLine(e)));
        }
    }

    /**
     * A default is evaluated for every insert that leaves the column out; a volatile one would make PostgreSQL write it
     * into every existing row, a rewrite under ACCESS EXCLUSIVE.
     */
    private void checkDefault(Connection c, String where, TableName t, AddColumn a, SqlExpression d) {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_default");
            try {
                s.execute(
                        "CREATE TEMP TABLE tandem_default_check (x " + a.type().sql() + " DEFAULT " + d.sql() + ")");
                try (PreparedStatement ps = c.prepareStatement(
                                "SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid),"
                                        + " EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_proc p"
                                        + "   ON p.oid = dep.refobjid WHERE dep.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass"
                                        + "   AND dep.objid = d.oid AND p.provolatile = 'v')"
                                        + " FROM pg_catalog.pg_attrdef d WHERE d.adrelid = 'pg_temp.tandem_default_check'::pg_catalog.regclass");
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()
                            && (rs.getBoolean(2) || Catalog.callsAny(rs.getString(1), Catalog.volatileBuiltins(c)))) {
                        violations.add(new Violation(
                                where,
                                "the default of " + a.column().quoted() + " (" + d.sql() + ") is volatile:"
                                        + " PostgreSQL would write it into every row of " + t.quoted()
                                        + ", rewriting the table under ACCESS EXCLUSIVE. Add the column without it"
                                        + " (or with a constant), fill it with deriveColumns, then set the default"));
                    }
                }
            } catch (SQLException e) {
                violations.add(new Violation(
                        where,
                        "the default of " + a.column().quoted() + " does not work as "
                                + a.type().sql() + ": " + firstLine(e) + ". " + Preflight.RESOLUTION_HINT));
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT tandem_default");
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the default could not be checked: " + firstLine(e)));
        }
    }

    /** PostgreSQL's conditions for {@code REPLICA IDENTITY USING INDEX}, checked before anything changes. */
    private void replicaIdentityIndex(Connection c, String where, TableName t, Catalog.Table table, Identifier index) {
        boolean exists = table.facts().indexes().stream().anyMatch(f -> f.name().equals(index));
        if (!exists) {
            if (!plannedIndex(t, index)) {
                violations.add(new Violation(
                        where, "index " + index.quoted() + " does not exist on " + t.quoted() + "; create it first"));
            }
            return; // one this plan creates is checked by PostgreSQL when the replica identity is set
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indisunique AND i.indimmediate AND i.indpred IS NULL"
                + " AND i.indexprs IS NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid ="
                + " i.indrelid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull)"
                + " FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, Sql.ident(t.schemaName().orElseThrow()) + '.' + Sql.ident(index));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getBoolean(1)) {
                    violations.add(new Violation(
                            where,
                            "index " + index.quoted() + " cannot be the replica identity of " + t.quoted()
                                    + ": it must be unique, not partial, not deferrable, not on an expression,"
                                    + " and on NOT NULL columns only"));
                }
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the index could not be checked: " + firstLine(e)));
        }
    }

    private boolean plannedIndex(TableName t, Identifier index) {
        for (Step s : plan.steps()) {
            if (s instanceof Expand e
                    && e.change() instanceof CreateIndex ci
                    && renderer.qualify(ci.table()).equals(t)
                    && ci.name().equals(index)) {
                return true;
            }
        }
        return false;
    }

    /** A new default must parse with the pinned search path and fit the column's type. */
    private void checkSetDefault(Connection c, String where, SetDefault x, String type, SqlExpression value) {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT tandem_default");
            try {
                s.execute("CREATE TEMP TABLE tandem_default_check (x " + type + " DEFAULT " + value.sql() + ")");
            } catch (SQLException e) {
                violations.add(new Violation(
                        where,
                        "the default " + value.sql() + " of " + x.column().quoted() + " does not work as " + type + ": "
                                + firstLine(e) + ". " + Preflight.RESOLUTION_HINT));
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT tandem_default");
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the default could not be checked: " + firstLine(e)));
        }
    }

    private static boolean constraintExists(Connection c, TableName t, Identifier name) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_constraint"
                + " WHERE conrelid = pg_catalog.to_regclass(?) AND conname = ?")) {
            ps.setString(1, t.quoted());
            ps.setString(2, name.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** A relation of the name in the schema is a conflict, unless it is a valid index on the table (counts as built). */
    private void existingIndex(Connection c, String where, TableName t, Identifier name) {
        try (PreparedStatement ps = c.prepareStatement("SELECT x.relkind::text, i.indrelid = pg_catalog.to_regclass(?),"
                + " i.indisvalid FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
                + " LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = x.oid WHERE n.nspname = ? AND x.relname = ?")) {
            ps.setString(1, t.quoted());
            ps.setString(2, String.valueOf(t.schemaName().map(Identifier::value).orElse("")));
            ps.setString(3, name.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                boolean index = "i".equals(rs.getString(1));
                if (!index || !rs.getBoolean(2)) {
                    violations.add(new Violation(
                            where,
                            "a relation named " + name.quoted() + " already exists in schema "
                                    + t.schemaName().map(Identifier::quoted).orElse("?")
                                    + (index ? " (an index of another table)" : "") + "; choose another name"));
                }
                // a valid index of the table counts as built; an INVALID leftover is dropped before the build
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the index name could not be checked: " + firstLine(e)));
        }
    }

    private void droppedIndex(Connection c, String where, TableName t, Identifier name) {
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indrelid = pg_catalog.to_regclass(?),"
                + " (SELECT con.conname FROM pg_catalog.pg_constraint con WHERE con.conindid = x.oid"
                + "   AND con.contype IN ('p', 'u', 'x') LIMIT 1)"
                + " FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
                + " JOIN pg_catalog.pg_index i ON i.indexrelid = x.oid WHERE n.nspname = ? AND x.relname = ?")) {
            ps.setString(1, t.quoted());
            ps.setString(2, String.valueOf(t.schemaName().map(Identifier::value).orElse("")));
            ps.setString(3, name.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    violations.add(new Violation(
                            where, "index " + name.quoted() + " does not exist in the schema of " + t.quoted()));
                } else if (!rs.getBoolean(1)) {
                    violations.add(new Violation(
                            where, "index " + name.quoted() + " belongs to another table than " + t.quoted()));
                } else if (rs.getString(2) != null) {
                    violations.add(new Violation(
                            where,
                            "index " + name.quoted() + " backs the constraint " + Sql.ident(rs.getString(2))
                                    + "; drop the constraint with dropConstraint instead"));
                }
            }
        } catch (SQLException e) {
            violations.add(new Violation(where, "the index could not be checked: " + firstLine(e)));
        }
    }

    private static boolean hasKeyOver(Connection c, TableName t, List<Identifier> columns) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_constraint con"
                + " WHERE con.conrelid = pg_catalog.to_regclass(?) AND con.contype IN ('p', 'u')"
                + " AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attname) FROM pg_catalog.pg_attribute a"
                + "   WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey))"
                + "   = (SELECT pg_catalog.array_agg(x ORDER BY x) FROM pg_catalog.unnest(?::text[]) x)")) {
            ps.setString(1, t.quoted());
            ps.setArray(
                    2,
                    c.createArrayOf(
                            "text", columns.stream().map(Identifier::value).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static List<String> names(List<Identifier> ids) {
        List<String> out = new ArrayList<>();
        ids.forEach(i -> out.add(i.value()));
        return out;
    }
}
