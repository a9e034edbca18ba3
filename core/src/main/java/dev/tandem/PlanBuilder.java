package dev.tandem;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.plan.AddColumn;
import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.ColumnType;
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
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.PrepareSwap;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.RenameConstraint;
import dev.tandem.plan.RenameTable;
import dev.tandem.plan.ReplicaIdentity;
import dev.tandem.plan.SchemaChange;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.SetReplicaIdentity;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepId;
import dev.tandem.plan.SwapColumn;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.plan.ValidateConstraint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link MigrationPlan} from operations. The builder is immutable: every method returns a new builder and
 * leaves the receiver unchanged, so a partial plan can be shared and branched safely.
 *
 * <p>Operations compile to steps in phase order: every {@code Expand} step (in operation order), then the sync rules,
 * then the backfills, then every {@code Contract} step. {@link #build()} checks whole-plan rules and reports every
 * violation at once.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PlanBuilder {

    private static final Pattern PLAN_ID = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,199}");

    private static void compileAddColumn(Operation.AddColumn op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        ColumnType type = op.type();
        @Nullable SqlExpression defaultValue = op.defaultValue();
        boolean notNull = op.notNull();
        @Nullable SqlExpression fill = op.fill();
        if (fill != null) {
            compileFilled(op, c, fill);
            return;
        }
        String name = uniqueName(defaultName(table, column), c.usedIds, "add");
        checkNames(c.violations, name, table, List.of(column));
        claim(c.violations, c.addedColumns, table, column, name, "added");
        if (notNull && defaultValue == null) {
            c.violations.add(new Violation(
                    name + "/add",
                    "adds NOT NULL column " + column.quoted() + " without a default: the old application"
                            + " version's inserts leave it out and would fail. Give it a default"
                            + " (Column.withDefault), or add it nullable and make it NOT NULL with setNotNull"));
            return;
        }
        c.expands.add(new Expand(stepId(name, "add"), new AddColumn(table, column, type, defaultValue, notNull)));
    }

    /** A column the trigger computes from others: a one-way sync rule, NOT NULL once the backfill filled it. */
    private static void compileFilled(Operation.AddColumn op, Compilation c, SqlExpression expression) {
        TableName table = op.table();
        Identifier column = op.column();
        ColumnType type = op.type();
        @Nullable SqlExpression defaultValue = op.defaultValue();
        boolean notNull = op.notNull();
        List<Identifier> fillFrom = op.fillFrom();
        String name = uniqueName(defaultName(table, column), c.usedIds, "add", "sync", "backfill");
        List<Identifier> all = new ArrayList<>(fillFrom);
        all.add(column);
        checkNames(c.violations, name, table, all);
        claim(c.violations, c.addedColumns, table, column, name, "added");
        for (Identifier k : all) {
            claim(c.violations, c.syncedColumns, table, k, name, "kept in sync");
        }
        if (fillFrom.isEmpty()) {
            c.violations.add(new Violation(
                    name, "fills " + column.quoted() + " from no column; name the columns filledFrom reads"));
            return;
        }
        if (defaultValue != null) {
            c.violations.add(new Violation(
                    name, column.quoted() + " has both a default and a fill expression; the trigger fills it"));
            return;
        }
        DualWrite rule;
        try {
            rule = new DualWrite(
                    stepId(name, "sync"),
                    table,
                    fillFrom,
                    List.of(new ColumnMapping(column, expression)),
                    List.of(),
                    null,
                    UnmappedPolicy.RECORD,
                    false,
                    notNull ? List.of(column) : List.of());
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(name, String.valueOf(e.getMessage())));
            return;
        }
        c.expands.add(new Expand(stepId(name, "add"), new AddColumn(table, column, type)));
        c.syncs.add(rule);
        c.backfills.add(new Backfill(stepId(name, "backfill"), rule));
    }

    private static void compileDeriveColumns(Operation.DeriveColumns op, Compilation c) {
        DeriveColumns spec = op.spec();
        boolean copiesColumn = op.copiesColumn();
        compileDerive(spec, copiesColumn, c);
    }

    private static void compileDropColumn(Operation.DropColumn op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        String name = uniqueName(defaultName(table, column), c.usedIds, "drop");
        checkNames(c.violations, name, table, List.of(column));
        String adder = c.addedColumns.get(key(table, column));
        if (adder != null) {
            c.violations.add(new Violation(
                    name + "/drop",
                    "drops " + column.quoted() + ", which this plan adds in '" + adder
                            + "'; a plan must not drop a column it creates"));
        }
        c.contracts.add(new Contract(stepId(name, "drop"), new DropColumn(table, column)));
    }

    private static void compileRawSql(Operation.RawSql op, Compilation c) {
        Phase phase = op.phase();
        List<SqlStatement> statements = op.statements();
        List<SqlStatement> undo = op.undo();
        String unsafeReason = op.unsafeReason();
        c.rawCount++;
        String phaseName = phase.name().toLowerCase(Locale.ROOT);
        String name = uniqueName("raw-" + c.rawCount, c.usedIds, phaseName);
        String where = name + '/' + phaseName;
        boolean transactional = statements.stream().noneMatch(SqlStatement::requiresNoTransaction);
        RawChange change;
        try {
            change = new RawChange(statements, undo, unsafeReason, transactional);
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            return;
        }
        c.add(phase, stepId(name, phaseName), change);
    }

    private static void compileCreateIndex(Operation.CreateIndex op, Compilation c) {
        Index index = op.index();
        TableName table = index.table();
        Identifier indexName = index.name().orElse(null);
        String name = uniqueName(
                defaultName(table, indexName == null ? Identifier.of("index") : indexName), c.usedIds, "create-index");
        String where = name + "/create-index";
        if (indexName == null) {
            c.violations.add(new Violation(
                    where, "index on " + table.quoted() + " has no name; call named(...) so rollback can find it"));
            return;
        }
        if (index.keys().isEmpty()) {
            c.violations.add(new Violation(
                    where, "index " + indexName.quoted() + " has no key; call columns(...) or expression(...)"));
            return;
        }
        checkNames(c.violations, where, table, append(index.included(), indexName));
        c.claimIndex(table, indexName, where);
        CreateIndex change;
        try {
            change = new CreateIndex(
                    table,
                    indexName,
                    index.isUnique(),
                    index.method(),
                    index.keys(),
                    index.included(),
                    index.predicate().orElse(null));
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            return;
        }
        c.expands.add(new Expand(StepId.of(where), change));
    }

    private static void compileDropIndex(Operation.DropIndex op, Compilation c) {
        TableName table = op.table();
        Identifier index = op.index();
        String name = uniqueName(defaultName(table, index), c.usedIds, "drop-index");
        String where = name + "/drop-index";
        checkNames(c.violations, where, table, List.of(index));
        String creator = c.createdIndexes.get(key(schemaOf(table), index));
        if (creator != null) {
            c.violations.add(new Violation(
                    where, "drops index " + index.quoted() + ", which this plan creates in '" + creator + "'"));
        }
        c.contracts.add(new Contract(StepId.of(where), new DropIndex(table, index)));
    }

    private static void compileAddConstraint(Operation.AddConstraint op, Compilation c) {
        TableName table = op.table();
        Identifier constraint = op.constraint();
        ConstraintDefinition definition = op.definition();
        Enforcement enforcement = op.enforcement();
        String name =
                uniqueName(defaultName(table, constraint), c.usedIds, "add", "validate", "build-index", "validate-1");
        checkNames(c.violations, name, table, List.of(constraint));
        c.claimConstraint(table, constraint, name);
        Phase phase = enforcement == Enforcement.FROM_EXPAND ? Phase.EXPAND : Phase.CONTRACT;
        if (definition instanceof ConstraintDefinition.PrimaryKey pk) {
            // a unique index built concurrently, NOT NULL proven by validated checks, then attached
            c.claimIndex(table, constraint, name);
            List<SqlExpression> keys = new ArrayList<>();
            for (int i = 0; i < pk.columns().size(); i++) {
                Identifier col = pk.columns().get(i);
                Identifier check = pk.notNullChecks().get(i);
                keys.add(SqlExpression.trusted(col.quoted()));
                c.claimConstraint(table, check, name);
                c.add(
                        phase,
                        stepId(name, "add-check-" + (i + 1)),
                        new AddConstraint(
                                table,
                                check,
                                new ConstraintDefinition.Check(SqlExpression.trusted(col.quoted() + " IS NOT NULL"))));
            }
            c.add(
                    phase,
                    stepId(name, "build-index"),
                    new CreateIndex(table, constraint, true, "btree", keys, List.of(), null));
            Phase later = phase == Phase.EXPAND ? Phase.BACKFILL : Phase.CONTRACT;
            for (int i = 0; i < pk.columns().size(); i++) {
                c.add(
                        later,
                        stepId(name, "validate-" + (i + 1)),
                        new ValidateConstraint(table, pk.notNullChecks().get(i)));
            }
            c.add(later, stepId(name, "add"), new AddConstraint(table, constraint, definition));
            return;
        }
        if (definition instanceof ConstraintDefinition.Unique u) {
            // the index carries the constraint's name; ADD CONSTRAINT ... USING INDEX takes it over
            c.claimIndex(table, constraint, name);
            List<SqlExpression> keys = new ArrayList<>();
            for (Identifier col : u.columns()) {
                keys.add(SqlExpression.trusted(col.quoted()));
            }
            c.add(
                    phase,
                    stepId(name, "build-index"),
                    new CreateIndex(table, constraint, true, "btree", keys, List.of(), null));
            c.add(phase, stepId(name, "add"), new AddConstraint(table, constraint, definition));
            return;
        }
        c.add(phase, stepId(name, "add"), new AddConstraint(table, constraint, definition));
        c.add(
                phase == Phase.EXPAND ? Phase.BACKFILL : Phase.CONTRACT,
                stepId(name, "validate"),
                new ValidateConstraint(table, constraint));
    }

    private static void compileSetNotNull(Operation.SetNotNull op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        Enforcement enforcement = op.enforcement();
        String name = uniqueName(defaultName(table, column), c.usedIds, "add-check", "validate", "set-not-null");
        checkNames(c.violations, name, table, List.of(column));
        claim(c.violations, c.notNullColumns, table, column, name, "set NOT NULL");
        Identifier check = fitted(column.value() + "_not_null_tandem");
        c.claimConstraint(table, check, name);
        Phase phase = enforcement == Enforcement.FROM_EXPAND ? Phase.EXPAND : Phase.CONTRACT;
        c.add(
                phase,
                stepId(name, "add-check"),
                new AddConstraint(
                        table,
                        check,
                        new ConstraintDefinition.Check(SqlExpression.trusted(column.quoted() + " IS NOT NULL"))));
        c.add(
                phase == Phase.EXPAND ? Phase.BACKFILL : Phase.CONTRACT,
                stepId(name, "validate"),
                new ValidateConstraint(table, check));
        c.contracts.add(new Contract(stepId(name, "set-not-null"), new SetNotNull(table, column, check)));
    }

    private static void compileDropConstraint(Operation.DropConstraint op, Compilation c) {
        TableName table = op.table();
        Identifier constraint = op.constraint();
        String name = uniqueName(defaultName(table, constraint), c.usedIds, "drop-constraint");
        String where = name + "/drop-constraint";
        checkNames(c.violations, where, table, List.of(constraint));
        String adder = c.constraints.get(key(table, constraint));
        if (adder != null) {
            c.violations.add(new Violation(
                    where, "drops constraint " + constraint.quoted() + ", which this plan adds in '" + adder + "'"));
        }
        c.contracts.add(new Contract(StepId.of(where), new DropConstraint(table, constraint)));
    }

    private static void compileCreateTable(Operation.CreateTable op, Compilation c) {
        Table spec = op.spec();
        TableName table = spec.name();
        String name = uniqueName(sanitize(table.name().value()), c.usedIds, "create-table");
        String where = name + "/create-table";
        List<Identifier> names = new ArrayList<>();
        List<CreateTable.ColumnDefinition> columns = new ArrayList<>();
        for (Column col : spec.columns()) {
            names.add(col.name());
            columns.add(new CreateTable.ColumnDefinition(
                    col.name(), col.type(), col.defaultValue().orElse(null), col.isNotNull()));
        }
        List<CreateTable.NamedConstraint> constraints = new ArrayList<>(spec.constraints());
        for (ForeignKey fk : spec.foreignKeys()) {
            TableName from = fk.table().orElse(table);
            TableName referenced = fk.referencedTable().orElse(null);
            if (!from.equals(table) || referenced == null) {
                c.violations.add(new Violation(
                        where,
                        "foreign key " + fk.name().quoted() + " of new table " + table.quoted() + " must be from("
                                + table + ", ...) and have references(table, columns...)"));
                continue;
            }
            try {
                constraints.add(new CreateTable.NamedConstraint(
                        fk.name(),
                        new ConstraintDefinition.ForeignKey(
                                fk.columns(),
                                referenced,
                                fk.referencedColumns(),
                                fk.deleteAction(),
                                fk.updateAction())));
            } catch (IllegalArgumentException e) {
                c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            }
        }
        for (CreateTable.NamedConstraint k : constraints) {
            names.add(k.name());
            c.claimConstraint(table, k.name(), name);
        }
        checkNames(c.violations, where, table, names);
        c.claimTable(table, where);
        CreateTable change;
        try {
            change = new CreateTable(table, columns, spec.primaryKeyColumns(), constraints);
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            return;
        }
        c.expands.add(new Expand(StepId.of(where), change));
        for (CreateTable.NamedConstraint k : constraints) {
            if (k.definition() instanceof ConstraintDefinition.ForeignKey) {
                // added NOT VALID with the table; validated once the backfills ran
                c.afterBackfill.add(new AfterBackfill(
                        StepId.of(name + "/validate-" + sanitize(k.name().value())),
                        new ValidateConstraint(table, k.name())));
            }
        }
    }

    private static void compileDropTable(Operation.DropTable op, Compilation c) {
        TableName table = op.table();
        String name = uniqueName(sanitize(table.name().value()), c.usedIds, "drop-table");
        String where = name + "/drop-table";
        checkNames(c.violations, where, table, List.of());
        c.claimTable(table, where);
        c.movedTables.putIfAbsent(table.toString(), where);
        c.contracts.add(new Contract(StepId.of(where), new DropTable(table)));
    }

    private static void compileRenameTable(Operation.RenameTable op, Compilation c) {
        TableName table = op.table();
        Identifier newName = op.newName();
        String name = uniqueName(sanitize(table.name().value()), c.usedIds, "rename", "drop-view");
        String where = name + "/rename";
        checkNames(c.violations, where, table, List.of(newName));
        if (newName.equals(table.name())) {
            c.violations.add(new Violation(where, "renames " + table.quoted() + " to its own name"));
            return;
        }
        RenameTable rename = new RenameTable(table, newName);
        c.claimTable(table, where);
        c.claimTable(rename.renamed(), where);
        c.movedTables.putIfAbsent(table.toString(), where);
        c.movedTables.putIfAbsent(rename.renamed().toString(), where);
        c.expands.add(new Expand(StepId.of(where), rename));
        c.contracts.add(new Contract(StepId.of(name + "/drop-view"), new DropView(table)));
    }

    private static void compileChangeType(Operation.ChangeType op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        ColumnType type = op.type();
        SqlExpression using = op.using();
        String name = uniqueName(
                defaultName(table, column) + "-type",
                c.usedIds,
                "add-shadow",
                "sync",
                "backfill",
                "prepare-swap",
                "swap");
        Identifier shadow = fitted(column.value() + "__tandem");
        checkNames(c.violations, name, table, List.of(column));
        claim(c.violations, c.addedColumns, table, shadow, name, "added");
        claim(c.violations, c.syncedColumns, table, column, name, "kept in sync");
        claim(c.violations, c.syncedColumns, table, shadow, name, "kept in sync");
        c.expands.add(new Expand(stepId(name, "add-shadow"), new AddColumn(table, shadow, type)));
        // one way: both versions keep writing the column under its name; the shadow follows until contract
        DualWrite rule = new DualWrite(
                stepId(name, "sync"),
                table,
                List.of(column),
                List.of(new ColumnMapping(shadow, using)),
                List.of(),
                null,
                UnmappedPolicy.RECORD);
        c.syncs.add(rule);
        c.backfills.add(new Backfill(stepId(name, "backfill"), rule));
        c.afterBackfill.add(new AfterBackfill(stepId(name, "prepare-swap"), new PrepareSwap(table, column, shadow)));
        c.contracts.add(new Contract(stepId(name, "swap"), new SwapColumn(table, column, shadow)));
    }

    private static void compileRenameColumn(Operation.RenameColumn op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        Identifier newName = op.newName();
        String name = uniqueName(
                defaultName(table, column) + "-rename",
                c.usedIds,
                "copy",
                "sync",
                "backfill",
                "copy-indexes",
                "rename");
        checkNames(c.violations, name, table, List.of(column, newName));
        if (column.equals(newName)) {
            c.violations.add(new Violation(name, "renames " + column.quoted() + " to its own name"));
            return;
        }
        claim(c.violations, c.addedColumns, table, newName, name, "added");
        claim(c.violations, c.syncedColumns, table, column, name, "kept in sync");
        claim(c.violations, c.syncedColumns, table, newName, name, "kept in sync");
        claim(c.violations, c.notNullColumns, table, column, name, "made NOT NULL or nullable");
        c.expands.add(new Expand(stepId(name, "copy"), new CopyColumn(table, column, newName)));
        // both ways: the old version writes the column, the new one its copy, and each sees the other's writes
        DualWrite rule = new DualWrite(
                stepId(name, "sync"),
                table,
                List.of(column),
                List.of(new ColumnMapping(newName, SqlExpression.trusted(column.quoted()))),
                List.of(new ColumnMapping(column, SqlExpression.trusted(newName.quoted()))),
                null,
                UnmappedPolicy.RECORD);
        c.syncs.add(rule);
        c.backfills.add(new Backfill(stepId(name, "backfill"), rule));
        c.afterBackfill.add(new AfterBackfill(stepId(name, "copy-indexes"), new CopyIndexes(table, column, newName)));
        c.contracts.add(new Contract(stepId(name, "rename"), new RenameColumn(table, column, newName)));
    }

    private static void compileMoveColumns(Operation.MoveColumns op, Compilation c) {
        TableName table = op.table();
        List<Identifier> columns = op.columns();
        TableName target = op.target();
        Identifier targetKey = op.targetKey();
        List<String> suffixes = new ArrayList<>(List.of("extract", "backfill", "finish"));
        for (Identifier col : columns) {
            suffixes.add("drop-" + sanitize(col.value()));
        }
        String name = uniqueName(
                sanitize(table.name().value()) + "-to-" + sanitize(target.name().value()),
                c.usedIds,
                suffixes.toArray(new String[0]));
        String where = name + "/extract";
        checkNames(c.violations, where, table, columns);
        checkNames(c.violations, where, target, List.of(targetKey));
        MoveColumns move;
        try {
            move = new MoveColumns(table, columns, target, targetKey);
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            return;
        }
        c.claimTable(target, where);
        for (Identifier col : columns) {
            claim(c.violations, c.syncedColumns, table, col, name, "kept in sync");
            claim(c.violations, c.notNullColumns, table, col, name, "made NOT NULL or nullable");
        }
        c.expands.add(new Expand(StepId.of(where), move));
        c.backfills.add(new BackfillMove(stepId(name, "backfill"), move));
        c.contracts.add(new Contract(stepId(name, "finish"), move));
        for (Identifier col : columns) {
            c.contracts.add(new Contract(stepId(name, "drop-" + sanitize(col.value())), new DropColumn(table, col)));
        }
    }

    private static void compileMergeColumns(Operation.MergeColumns op, Compilation c) {
        TableName table = op.table();
        List<Identifier> columns = op.columns();
        TableName into = op.into();
        List<String> suffixes = new ArrayList<>(List.of("merge", "backfill", "finish"));
        for (Identifier col : columns) {
            suffixes.add("drop-" + sanitize(col.value()));
        }
        String name = uniqueName(
                sanitize(table.name().value()) + "-into-" + sanitize(into.name().value()),
                c.usedIds,
                suffixes.toArray(new String[0]));
        String where = name + "/merge";
        checkNames(c.violations, where, table, columns);
        checkNames(c.violations, where, into, List.of());
        MergeColumns merge;
        try {
            merge = new MergeColumns(table, columns, into);
        } catch (IllegalArgumentException e) {
            c.violations.add(new Violation(where, String.valueOf(e.getMessage())));
            return;
        }
        for (Identifier col : columns) {
            claim(c.violations, c.syncedColumns, table, col, name, "kept in sync");
            claim(c.violations, c.addedColumns, into, col, name, "added");
            claim(c.violations, c.syncedColumns, into, col, name, "kept in sync");
        }
        c.expands.add(new Expand(StepId.of(where), merge));
        c.backfills.add(new BackfillMerge(stepId(name, "backfill"), merge));
        c.contracts.add(new Contract(stepId(name, "finish"), merge));
        for (Identifier col : columns) {
            c.contracts.add(new Contract(stepId(name, "drop-" + sanitize(col.value())), new DropColumn(table, col)));
        }
    }

    private static void compileSetDefault(Operation.SetDefault op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        @Nullable SqlExpression value = op.value();
        String step = value == null ? "drop-default" : "set-default";
        String name = uniqueName(defaultName(table, column), c.usedIds, step);
        String where = name + '/' + step;
        checkNames(c.violations, where, table, List.of(column));
        // the sync trigger recognises a default it read before expand: one operation per column
        claim(c.violations, c.syncedColumns, table, column, where, "kept in sync or given a default");
        String adder = c.addedColumns.get(key(table, column));
        if (adder != null) {
            c.violations.add(new Violation(
                    where,
                    column.quoted() + " is added by '" + adder + "' in this plan; give it its default there"
                            + " (Column.withDefault)"));
            return;
        }
        SetDefault change = new SetDefault(table, column, value);
        if (value == null) {
            // the old version's inserts may rely on it until it stops
            c.contracts.add(new Contract(StepId.of(where), change));
        } else {
            c.expands.add(new Expand(StepId.of(where), change));
        }
    }

    private static void compileSetReplicaIdentity(Operation.SetReplicaIdentity op, Compilation c) {
        TableName table = op.table();
        ReplicaIdentity identity = op.identity();
        String name = uniqueName(sanitize(table.name().value() + ".replica-identity"), c.usedIds, "set");
        String where = name + "/set";
        checkNames(c.violations, where, table, List.of());
        c.expands.add(new Expand(StepId.of(where), new SetReplicaIdentity(table, identity)));
    }

    private static void compileDropNotNull(Operation.DropNotNull op, Compilation c) {
        TableName table = op.table();
        Identifier column = op.column();
        String name = uniqueName(defaultName(table, column), c.usedIds, "drop-not-null");
        String where = name + "/drop-not-null";
        checkNames(c.violations, where, table, List.of(column));
        claim(c.violations, c.notNullColumns, table, column, where, "made NOT NULL or nullable");
        c.expands.add(new Expand(StepId.of(where), new DropNotNull(table, column)));
    }

    private static void compileRenameConstraint(Operation.RenameConstraint op, Compilation c) {
        TableName table = op.table();
        Identifier constraint = op.constraint();
        Identifier newName = op.newName();
        String name = uniqueName(defaultName(table, constraint), c.usedIds, "rename-constraint");
        String where = name + "/rename-constraint";
        checkNames(c.violations, where, table, List.of(constraint, newName));
        c.claimConstraint(table, constraint, where);
        c.claimConstraint(table, newName, where);
        c.expands.add(new Expand(StepId.of(where), new RenameConstraint(table, constraint, newName)));
    }

    /** Compiles each kind of operation into steps, exhaustively. */
    private static final class Compiler implements Operation.Visitor<Compilation> {
        private final Compilation c;

        Compiler(Compilation c) {
            this.c = c;
        }

        @Override
        public Compilation visitAddColumn(Operation.AddColumn op) {
            compileAddColumn(op, c);
            return c;
        }

        @Override
        public Compilation visitDeriveColumns(Operation.DeriveColumns op) {
            compileDeriveColumns(op, c);
            return c;
        }

        @Override
        public Compilation visitDropColumn(Operation.DropColumn op) {
            compileDropColumn(op, c);
            return c;
        }

        @Override
        public Compilation visitRawSql(Operation.RawSql op) {
            compileRawSql(op, c);
            return c;
        }

        @Override
        public Compilation visitCreateIndex(Operation.CreateIndex op) {
            compileCreateIndex(op, c);
            return c;
        }

        @Override
        public Compilation visitDropIndex(Operation.DropIndex op) {
            compileDropIndex(op, c);
            return c;
        }

        @Override
        public Compilation visitAddConstraint(Operation.AddConstraint op) {
            compileAddConstraint(op, c);
            return c;
        }

        @Override
        public Compilation visitSetNotNull(Operation.SetNotNull op) {
            compileSetNotNull(op, c);
            return c;
        }

        @Override
        public Compilation visitDropConstraint(Operation.DropConstraint op) {
            compileDropConstraint(op, c);
            return c;
        }

        @Override
        public Compilation visitCreateTable(Operation.CreateTable op) {
            compileCreateTable(op, c);
            return c;
        }

        @Override
        public Compilation visitDropTable(Operation.DropTable op) {
            compileDropTable(op, c);
            return c;
        }

        @Override
        public Compilation visitRenameTable(Operation.RenameTable op) {
            compileRenameTable(op, c);
            return c;
        }

        @Override
        public Compilation visitChangeType(Operation.ChangeType op) {
            compileChangeType(op, c);
            return c;
        }

        @Override
        public Compilation visitRenameColumn(Operation.RenameColumn op) {
            compileRenameColumn(op, c);
            return c;
        }

        @Override
        public Compilation visitMoveColumns(Operation.MoveColumns op) {
            compileMoveColumns(op, c);
            return c;
        }

        @Override
        public Compilation visitMergeColumns(Operation.MergeColumns op) {
            compileMergeColumns(op, c);
            return c;
        }

        @Override
        public Compilation visitSetDefault(Operation.SetDefault op) {
            compileSetDefault(op, c);
            return c;
        }

        @Override
        public Compilation visitSetReplicaIdentity(Operation.SetReplicaIdentity op) {
            compileSetReplicaIdentity(op, c);
            return c;
        }

        @Override
        public Compilation visitDropNotNull(Operation.DropNotNull op) {
            compileDropNotNull(op, c);
            return c;
        }

        @Override
        public Compilation visitRenameConstraint(Operation.RenameConstraint op) {
            compileRenameConstraint(op, c);
            return c;
        }
    }

    /** What compiling the operations collects: the steps of each phase in plan order, claims, and violations. */
    private static final class Compilation {
        final List<Violation> violations = new ArrayList<>();
        final List<Step> expands = new ArrayList<>();
        final List<Step> syncs = new ArrayList<>();
        final List<Step> backfills = new ArrayList<>();
        final List<Step> afterBackfill = new ArrayList<>();
        final List<Step> contracts = new ArrayList<>();
        final Set<String> usedIds = new HashSet<>();
        final Map<String, String> addedColumns = new HashMap<>(); // "table\0column" -> operation name
        final Map<String, String> syncedColumns = new HashMap<>();
        final Map<String, String> notNullColumns = new HashMap<>();
        final Map<String, String> constraints = new HashMap<>(); // "table\0constraint" -> operation name
        final Map<String, String> createdIndexes = new HashMap<>(); // "schema\0index" -> operation name
        final Map<String, String> wholeTables = new HashMap<>(); // tables created, dropped or renamed -> step
        int rawCount;

        void add(Phase phase, StepId id, SchemaChange change) {
            switch (phase) {
                case EXPAND -> expands.add(new Expand(id, change));
                case BACKFILL -> afterBackfill.add(new AfterBackfill(id, change));
                case CONTRACT -> contracts.add(new Contract(id, change));
            }
        }

        void claimConstraint(TableName table, Identifier name, String owner) {
            String previous = constraints.putIfAbsent(key(table, name), owner);
            if (previous != null && !previous.equals(owner)) {
                violations.add(new Violation(
                        owner,
                        "constraint " + name.quoted() + " on " + table.quoted() + " is already added by '" + previous
                                + "'; constraint names are unique per table"));
            }
        }

        final Map<String, String> movedTables = new HashMap<>(); // tables renamed or dropped -> step

        /** A table the plan renames or drops takes no other operation: which name would it mean? */
        void checkRenamedAndDroppedTables() {
            List<Step> all = new ArrayList<>(expands);
            all.addAll(syncs);
            all.addAll(afterBackfill);
            all.addAll(contracts);
            for (Step step : all) {
                TableName t = tableOf(step);
                if (t == null) {
                    continue;
                }
                String owner = movedTables.get(t.toString());
                if (owner != null && !step.id().value().startsWith(owner.substring(0, owner.lastIndexOf('/') + 1))) {
                    violations.add(new Violation(
                            step.id().value(),
                            "works on " + t.quoted() + ", which '" + owner + "' renames or drops; put it in a plan of"
                                    + " its own, before or after"));
                }
            }
        }

        /** A table that is created, dropped or renamed takes no other operation in the same plan. */
        void claimTable(TableName table, String owner) {
            String previous = wholeTables.putIfAbsent(table.toString(), owner);
            if (previous != null && !previous.equals(owner)) {
                violations.add(new Violation(
                        owner,
                        "table " + table.quoted() + " is already created, dropped or renamed by '" + previous
                                + "'; one such operation per table and plan"));
            }
        }

        void claimIndex(TableName table, Identifier name, String owner) {
            String previous = createdIndexes.putIfAbsent(key(schemaOf(table), name), owner);
            if (previous != null && !previous.equals(owner)) {
                violations.add(new Violation(
                        owner,
                        "index " + name.quoted() + " is already created by '" + previous
                                + "'; index names are unique per schema"));
            }
        }
    }

    private final String id;
    private final String description;
    private final List<Operation> ops;

    private PlanBuilder(String id, String description, List<Operation> ops) {
        this.id = id;
        this.description = description;
        this.ops = List.copyOf(ops);
    }

    static PlanBuilder start(String id) {
        return new PlanBuilder(id, "", List.of());
    }

    private PlanBuilder with(Operation op) {
        List<Operation> next = new ArrayList<>(ops);
        next.add(op);
        return new PlanBuilder(id, description, next);
    }

    /**
     * {@return a builder with this description (shown in status and explain output; not part of the checksum)}
     *
     * @param description what the plan does, in a sentence
     */
    @CanIgnoreReturnValue
    public PlanBuilder description(String description) {
        return new PlanBuilder(id, requireNonNull(description, "description"), ops);
    }

    /**
     * {@return a builder that also adds a nullable column without a default}
     *
     * <p>Expand: {@code ALTER TABLE ... ADD COLUMN}, catalog-only. Rollback drops the column. Nothing in contract.
     *
     * @param table the table
     * @param column the new column's name, case-sensitive
     * @param type its data type
     */
    @CanIgnoreReturnValue
    public PlanBuilder addColumn(TableName table, String column, ColumnType type) {
        return with(new Operation.AddColumn(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(column, "column")),
                requireNonNull(type, "type"),
                null,
                false,
                null,
                List.of()));
    }

    /**
     * {@return a builder that also adds a column, with a default and {@code NOT NULL} if {@code column} says so}
     *
     * <p>Expand: {@code ALTER TABLE ... ADD COLUMN ... DEFAULT ... NOT NULL}, catalog-only: a non-volatile default is
     * stored once and not written into every row (PostgreSQL 11 and later), so the table is neither rewritten nor
     * scanned. The old application version's inserts leave the column out and get the default; that is why
     * {@code NOT NULL} needs a default. A volatile default is refused at expand. Rollback drops the column.
     *
     * @param table the table
     * @param column the column
     */
    @CanIgnoreReturnValue
    public PlanBuilder addColumn(TableName table, Column column) {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        return with(new Operation.AddColumn(
                table,
                column.name(),
                column.type(),
                column.defaultValue().orElse(null),
                column.isNotNull(),
                column.fill().orElse(null),
                column.fillColumns()));
    }

    /**
     * {@return a builder that also builds an index concurrently, in expand}
     *
     * <p>Expand: {@code CREATE [UNIQUE] INDEX CONCURRENTLY}, outside a transaction, under SHARE UPDATE EXCLUSIVE:
     * reads and writes go on while it builds. If a build fails (a lock timeout, a duplicate key), the INVALID index it
     * leaves is dropped before the step is retried or reported; an index of that name that is valid counts as built.
     * Rollback: {@code DROP INDEX CONCURRENTLY}. A unique index rejects the old version's duplicate writes from the
     * moment it is built; to make a unique constraint of it, use {@link #addUnique}.
     *
     * @param index the index
     */
    @CanIgnoreReturnValue
    public PlanBuilder createIndex(Index index) {
        return with(new Operation.CreateIndex(requireNonNull(index, "index")));
    }

    /**
     * {@return a builder that also drops an index in the contract phase, with {@code DROP INDEX CONCURRENTLY}}
     *
     * @param table the table the index belongs to (it lives in that table's schema)
     * @param index the index name
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropIndex(TableName table, String index) {
        return with(
                new Operation.DropIndex(requireNonNull(table, "table"), Identifier.of(requireNonNull(index, "index"))));
    }

    /**
     * {@return a builder that also adds a {@code CHECK} constraint}
     *
     * <p>{@link Enforcement#FROM_EXPAND}: expand adds it {@code NOT VALID} (catalog-only; every write of either version
     * is checked from then on), and the end of the backfill phase validates the existing rows under SHARE UPDATE
     * EXCLUSIVE (reads and writes go on). {@link Enforcement#AT_CONTRACT}: contract does both, after the old version
     * stopped. Rollback drops it.
     *
     * @param table the table
     * @param name the constraint name
     * @param condition the condition, over the table's columns
     * @param enforcement when the old version's writes start to be checked
     */
    @CanIgnoreReturnValue
    public PlanBuilder addCheck(TableName table, String name, SqlExpression condition, Enforcement enforcement) {
        return with(new Operation.AddConstraint(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(name, "name")),
                new ConstraintDefinition.Check(requireNonNull(condition, "condition")),
                requireNonNull(enforcement, "enforcement")));
    }

    /**
     * {@return a builder that also adds a foreign key}
     *
     * <p>Added {@code NOT VALID} (catalog-only; SHARE ROW EXCLUSIVE on both tables for a moment, so writes wait briefly
     * and reads go on), then validated under SHARE UPDATE EXCLUSIVE on the referencing table and ROW SHARE on the
     * referenced one: at the end of the backfill phase for {@link Enforcement#FROM_EXPAND}, at contract for
     * {@link Enforcement#AT_CONTRACT}. Rollback drops it.
     *
     * @param foreignKey the key
     * @param enforcement when the old version's writes start to be checked
     */
    @CanIgnoreReturnValue
    public PlanBuilder addForeignKey(ForeignKey foreignKey, Enforcement enforcement) {
        requireNonNull(foreignKey, "foreignKey");
        requireNonNull(enforcement, "enforcement");
        TableName table = foreignKey.table().orElse(null);
        TableName referenced = foreignKey.referencedTable().orElse(null);
        if (table == null || referenced == null) {
            throw new IllegalArgumentException("foreign key "
                    + foreignKey.name().quoted() + " needs from(table, columns...) and references(table, columns...)");
        }
        return with(new Operation.AddConstraint(
                table,
                foreignKey.name(),
                new ConstraintDefinition.ForeignKey(
                        foreignKey.columns(),
                        referenced,
                        foreignKey.referencedColumns(),
                        foreignKey.deleteAction(),
                        foreignKey.updateAction()),
                enforcement));
    }

    /**
     * {@return a builder that also adds a unique constraint}
     *
     * <p>A unique index of the constraint's name is built concurrently (reads and writes go on), then
     * {@code ADD CONSTRAINT ... UNIQUE USING INDEX} takes it over, catalog-only: in expand for
     * {@link Enforcement#FROM_EXPAND} (the old version's duplicate writes fail from then on), in contract for
     * {@link Enforcement#AT_CONTRACT}. Existing duplicates make the build fail and leave nothing behind; fix them and
     * run the phase again. Rollback drops it.
     *
     * @param table the table
     * @param name the constraint (and index) name
     * @param enforcement when the old version's writes start to be checked
     * @param columns the columns, unique together
     */
    @CanIgnoreReturnValue
    public PlanBuilder addUnique(TableName table, String name, Enforcement enforcement, String... columns) {
        requireNonNull(table, "table");
        List<Identifier> ids = new ArrayList<>();
        for (String c : columns) {
            ids.add(Identifier.of(requireNonNull(c, "column")));
        }
        return with(new Operation.AddConstraint(
                table,
                Identifier.of(requireNonNull(name, "name")),
                new ConstraintDefinition.Unique(ids),
                requireNonNull(enforcement, "enforcement")));
    }

    /**
     * {@return a builder that also adds a primary key to a table that has none}
     *
     * <p>A unique index of the key's name is built concurrently and each column gets a {@code CHECK (column IS NOT
     * NULL) NOT VALID}; once the checks are validated (reads and writes go on), the columns are set {@code NOT NULL}
     * without a scan and {@code ADD CONSTRAINT ... PRIMARY KEY USING INDEX} takes the index over, catalog-only. With
     * {@link Enforcement#FROM_EXPAND} the index and checks come in expand (the old version's duplicate or NULL writes
     * fail from then on) and the key at the end of the backfill phase; with {@link Enforcement#AT_CONTRACT} all of it
     * in contract. Rollback drops them.
     *
     * @param table the table
     * @param name the key's (and its index's) name
     * @param enforcement when the old version's writes start to be checked
     * @param columns the key's columns
     */
    @CanIgnoreReturnValue
    public PlanBuilder addPrimaryKey(TableName table, String name, Enforcement enforcement, String... columns) {
        requireNonNull(table, "table");
        List<Identifier> ids = new ArrayList<>();
        List<Identifier> checks = new ArrayList<>();
        for (String c : columns) {
            Identifier id = Identifier.of(requireNonNull(c, "column"));
            ids.add(id);
            checks.add(fitted(id.value() + "_not_null_tandem"));
        }
        return with(new Operation.AddConstraint(
                table,
                Identifier.of(requireNonNull(name, "name")),
                new ConstraintDefinition.PrimaryKey(ids, checks),
                requireNonNull(enforcement, "enforcement")));
    }

    /**
     * {@return a builder that also makes a column {@code NOT NULL} without scanning the table under ACCESS EXCLUSIVE}
     *
     * <p>A {@code CHECK (column IS NOT NULL) NOT VALID} is added (catalog-only) and validated under SHARE UPDATE
     * EXCLUSIVE (reads and writes go on): in expand and at the end of the backfill phase for
     * {@link Enforcement#FROM_EXPAND} (the old version's NULL writes fail from expand on), in contract for
     * {@link Enforcement#AT_CONTRACT}. Contract then runs {@code SET NOT NULL}, which the validated check proves
     * without a scan, and drops the check. Validation fails while a row is NULL, and says so; fill those rows and run
     * the phase again. Rollback drops the check.
     *
     * @param table the table
     * @param column the column
     * @param enforcement when the old version's NULL writes start to fail
     */
    @CanIgnoreReturnValue
    public PlanBuilder setNotNull(TableName table, String column, Enforcement enforcement) {
        return with(new Operation.SetNotNull(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(column, "column")),
                requireNonNull(enforcement, "enforcement")));
    }

    /**
     * {@return a builder that also drops a column's {@code NOT NULL} in expand, catalog-only}
     *
     * <p>The new version may leave the column out from expand on. Rollback restores the {@code NOT NULL} without a long
     * lock, and refuses while rows have NULL there (it says how to fix them).
     *
     * @param table the table
     * @param column the column
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropNotNull(TableName table, String column) {
        return with(new Operation.DropNotNull(
                requireNonNull(table, "table"), Identifier.of(requireNonNull(column, "column"))));
    }

    /**
     * {@return a builder that also renames a constraint in expand (catalog-only; its index is renamed with it)}
     *
     * <p>Code that recognises a violation by the constraint's name sees the new name from expand on. Rollback renames it
     * back.
     *
     * @param table the table
     * @param name the current name
     * @param newName the new name
     */
    @CanIgnoreReturnValue
    public PlanBuilder renameConstraint(TableName table, String name, String newName) {
        return with(new Operation.RenameConstraint(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(name, "name")),
                Identifier.of(requireNonNull(newName, "newName"))));
    }

    /**
     * {@return a builder that also drops a constraint in the contract phase (catalog-only, a brief ACCESS EXCLUSIVE
     * lock)}
     *
     * @param table the table
     * @param name the constraint
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropConstraint(TableName table, String name) {
        return with(new Operation.DropConstraint(
                requireNonNull(table, "table"), Identifier.of(requireNonNull(name, "name"))));
    }

    /**
     * {@return a builder that also derives new columns from old ones; see {@link DeriveColumns}}
     *
     * @param operation the operation
     */
    @CanIgnoreReturnValue
    public PlanBuilder deriveColumns(DeriveColumns operation) {
        return with(new Operation.DeriveColumns(requireNonNull(operation, "operation"), false));
    }

    /**
     * {@return a builder that also renames a column by copy: a new column kept equal to the old one in both
     * directions, filled by backfill, and the old column dropped in contract}
     *
     * <p>Old application versions keep using {@code from}, new ones use {@code to}, and both see each other's writes.
     * The new column takes over the old one's default, {@code NOT NULL} (checked {@code NOT VALID} once the backfill filled it,
     * validated and set at contract) and single-column indexes and unique constraints (built concurrently at expand,
     * renamed to the old names at contract). What cannot be carried over safely (a primary key, an identity or a
     * sequence default, foreign keys, multi-column or partial indexes, CHECK constraints, views) is refused at expand,
     * before anything changes.
     *
     * @param table the table
     * @param from the current column name
     * @param to the new column name
     * @param type the column's data type (the new column gets this type)
     */
    @CanIgnoreReturnValue
    public PlanBuilder renameColumnByCopy(TableName table, String from, String to, ColumnType type) {
        requireNonNull(table, "table");
        Identifier fromId = Identifier.of(requireNonNull(from, "from"));
        Identifier toId = Identifier.of(requireNonNull(to, "to"));
        return with(new Operation.DeriveColumns(
                        DeriveColumns.on(table)
                                .named(defaultName(table, fromId) + "-rename")
                                .from(from)
                                .into(to, type, SqlExpression.trusted(fromId.quoted()))
                                .backward(from, SqlExpression.trusted(toId.quoted())),
                        true))
                .dropColumn(table, from);
    }

    /**
     * {@return a builder that also renames a column, keeping everything it has}
     *
     * <p>Old application versions keep using {@code from} until contract, new ones use {@code to} from the state Tandem
     * says they may run in, and both see each other's writes. Expand adds {@code to} as a nullable copy with the same
     * type and collation, which a trigger keeps equal to {@code from} in both directions; the backfill fills it and
     * verify checks it; after the backfill its copies of the column's single-column indexes are built concurrently, so
     * the new version's reads by {@code to} use an index. Constraints, {@code NOT NULL}, defaults and sequences stay on
     * {@code from} and check the new version's writes too, which the trigger copies there.
     *
     * <p>Contract, in the short transaction that drops the trigger, drops the copy and renames {@code from} to
     * {@code to}: catalog-only, and the column keeps its place, default, sequence or identity, {@code NOT NULL},
     * indexes, primary key, unique and check constraints, foreign keys in and out, views, grants and statistics. Expand
     * refuses a generated column and an identity {@code GENERATED ALWAYS} (the trigger could not write the new version's
     * values into it). Rollback drops the copy.
     *
     * @param table the table
     * @param from the current column name
     * @param to the new column name
     * @see #renameColumnByCopy(TableName, String, String, ColumnType) to rename into a column of another type
     */
    @CanIgnoreReturnValue
    public PlanBuilder renameColumn(TableName table, String from, String to) {
        return with(new Operation.RenameColumn(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(from, "from")),
                Identifier.of(requireNonNull(to, "to"))));
    }

    /**
     * {@return a builder that also moves columns out of a table into a new table (an extract table)}
     *
     * <p>Expand creates {@code target} with one row per row of {@code table} that has a value in one of the columns:
     * its primary key {@code targetKey} references {@code table}'s one-column primary key ({@code ON DELETE CASCADE ON
     * UPDATE CASCADE}), and each column keeps its type, collation, default and {@code NOT NULL}. The new table gets the
     * table's owner and its grants. Triggers keep both sides equal while both versions run: the old version writes the
     * columns in {@code table}, the new one writes {@code target} (inserting, updating or deleting its row), and each
     * reads what the other wrote. The backfill copies the existing rows in short batches; verify compares both tables.
     * Contract drops the triggers and the columns from {@code table} in one short transaction; the new table stays.
     * Rollback drops the triggers and the new table.
     *
     * <p>Expand refuses a table without a one-column primary key, and generated, identity or sequence-default columns.
     * A {@code NOT NULL} column without a default becomes nullable in {@code table} at expand, so the new version's
     * inserts there may leave it out.
     *
     * @param table the table the columns leave
     * @param columns the columns, in the new table's order
     * @param target the new table
     * @param targetKey the new table's key column
     */
    @CanIgnoreReturnValue
    public PlanBuilder moveColumns(TableName table, List<String> columns, TableName target, String targetKey) {
        List<Identifier> ids = new ArrayList<>();
        for (String col : requireNonNull(columns, "columns")) {
            ids.add(Identifier.of(requireNonNull(col, "column")));
        }
        return with(new Operation.MoveColumns(
                requireNonNull(table, "table"),
                List.copyOf(ids),
                requireNonNull(target, "target"),
                Identifier.of(requireNonNull(targetKey, "targetKey"))));
    }

    /**
     * {@return a builder that also moves columns back from a table into the table it extends (the reverse of {@link
     * #moveColumns})}
     *
     * <p>{@code table}'s one-column primary key must reference {@code into}'s one-column primary key, so each row of
     * {@code table} belongs to one row of {@code into}. Expand adds the columns to {@code into}, nullable, with their
     * types, collations and defaults (a volatile default set after the column is added, so nothing is rewritten), and
     * installs triggers that keep both sides equal while both versions run: the old version writes {@code table}, the
     * new one the columns in {@code into}; a delete of a row of {@code into} deletes its row of {@code table} first.
     * The backfill copies the existing rows in short batches; verify compares both tables. Contract drops the triggers
     * and the columns from {@code table} in one short transaction; drop the table in a later plan. Rollback drops the
     * triggers and the added columns.
     *
     * @param table the table the columns leave
     * @param columns the columns
     * @param into the table that takes them
     */
    @CanIgnoreReturnValue
    public PlanBuilder mergeColumns(TableName table, List<String> columns, TableName into) {
        List<Identifier> ids = new ArrayList<>();
        for (String col : requireNonNull(columns, "columns")) {
            ids.add(Identifier.of(requireNonNull(col, "column")));
        }
        return with(new Operation.MergeColumns(
                requireNonNull(table, "table"), List.copyOf(ids), requireNonNull(into, "into")));
    }

    /**
     * {@return a builder that also sets a column's default in expand}
     *
     * <p>Catalog-only, under a brief ACCESS EXCLUSIVE lock; existing rows keep their values. From expand on, every insert
     * that leaves the column out gets {@code value}, the old version's too. The previous default is saved in the same
     * transaction, and rollback puts it back. Expand checks the expression with Tandem's pinned search path and refuses
     * functions from schemas an application role could create objects in.
     *
     * @param table the table
     * @param column the column
     * @param value the new default, for example {@code 'EUR'} or {@code now()}
     */
    @CanIgnoreReturnValue
    public PlanBuilder setDefault(TableName table, String column, SqlExpression value) {
        return with(new Operation.SetDefault(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(column, "column")),
                requireNonNull(value, "value")));
    }

    /**
     * {@return a builder that also sets a table's replica identity in expand}
     *
     * <p>Catalog-only, under a brief ACCESS EXCLUSIVE lock. The previous replica identity is saved in the same
     * transaction, and rollback puts it back. Expand refuses an index that is missing, not unique, partial, deferrable,
     * on an expression or on a nullable column (PostgreSQL's conditions for {@code USING INDEX}).
     *
     * @param table the table
     * @param identity the replica identity, for example {@link ReplicaIdentity#FULL} or
     *     {@link ReplicaIdentity#usingIndex(String)}
     */
    @CanIgnoreReturnValue
    public PlanBuilder setReplicaIdentity(TableName table, ReplicaIdentity identity) {
        return with(
                new Operation.SetReplicaIdentity(requireNonNull(table, "table"), requireNonNull(identity, "identity")));
    }

    /**
     * {@return a builder that also drops a column's default in contract}
     *
     * <p>In contract, once the old version, whose inserts may leave the column out and rely on the default, is gone;
     * catalog-only under a brief ACCESS EXCLUSIVE lock. From then on an insert that leaves the column out gets
     * {@code NULL}, or fails if the column is {@code NOT NULL}: the new version writes the column itself.
     *
     * @param table the table
     * @param column the column
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropDefault(TableName table, String column) {
        return with(new Operation.SetDefault(
                requireNonNull(table, "table"), Identifier.of(requireNonNull(column, "column")), null));
    }

    /**
     * {@return a builder that also drops a column in the contract phase}
     *
     * @param table the table
     * @param column the column to drop once no application version uses it
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropColumn(TableName table, String column) {
        return with(new Operation.DropColumn(
                requireNonNull(table, "table"), Identifier.of(requireNonNull(column, "column"))));
    }

    /**
     * {@return a builder that also changes a column's type, keeping its name; {@code column::type} converts}
     *
     * @param table the table
     * @param column the column
     * @param type the new type
     * @see #changeType(TableName, String, ColumnType, SqlExpression)
     */
    @CanIgnoreReturnValue
    public PlanBuilder changeType(TableName table, String column, ColumnType type) {
        Identifier id = Identifier.of(requireNonNull(column, "column"));
        return changeType(table, column, type, SqlExpression.trusted(id.quoted() + "::" + type.sql()));
    }

    /**
     * {@return a builder that also changes a column's type, keeping its name}
     *
     * <p>Both application versions use the column under its name throughout, with the old type until contract. Expand
     * adds a shadow column of the new type, which a trigger keeps equal to {@code using} (an expression over the
     * column) on every write; the backfill fills it for existing rows and verify checks it; after the backfill its copies
     * of the column's indexes are built concurrently and its {@code NOT NULL} is checked without a long lock. Contract
     * swaps it in, in one short transaction: the foreign keys that reference the column are dropped, the old column
     * is dropped, the shadow takes its name, default, sequence, {@code NOT NULL}, indexes, primary key and unique
     * constraints; checks and foreign keys come back {@code NOT VALID} and are validated while reads and writes go on.
     * Values {@code using} cannot convert are recorded, and contract waits until they are fixed. The column moves to
     * the end of the table's column list. Expand refuses what it cannot carry over (an identity or generated column,
     * multi-column, partial or expression indexes on the column, views that use it). Rollback drops the shadow column.
     *
     * @param table the table
     * @param column the column
     * @param type the new type
     * @param using the new value, computed from the column, for example {@code address::jsonb}
     */
    @CanIgnoreReturnValue
    public PlanBuilder changeType(TableName table, String column, ColumnType type, SqlExpression using) {
        return with(new Operation.ChangeType(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(column, "column")),
                requireNonNull(type, "type"),
                requireNonNull(using, "using")));
    }

    /**
     * {@return a builder that also creates a table in expand}
     *
     * <p>One transaction creates the table with its columns, primary key, unique and check constraints, and adds its
     * foreign keys {@code NOT VALID} (SHARE ROW EXCLUSIVE on each referenced table for a moment); the backfill phase
     * validates them. Rollback drops the table, and whatever either version wrote to it.
     *
     * @param table the table
     */
    @CanIgnoreReturnValue
    public PlanBuilder createTable(Table table) {
        return with(new Operation.CreateTable(requireNonNull(table, "table")));
    }

    /**
     * {@return a builder that also drops a table in contract, once no application version uses it}
     *
     * <p>Contract refuses, and changes nothing, while views or foreign keys of other tables depend on it.
     *
     * @param table the table
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropTable(TableName table) {
        return with(new Operation.DropTable(requireNonNull(table, "table")));
    }

    /**
     * {@return a builder that also renames a table, keeping the old name working until contract}
     *
     * <p>Expand renames the table and creates an automatically updatable view under the old name in one transaction,
     * with the table's grants, so the old version reads and writes through the view (inserts get the table's defaults;
     * {@code RETURNING} and {@code ON CONFLICT} work) and the new version uses the new name. A view cannot take
     * {@code COPY ... FROM}: an old version that loads data with {@code COPY} needs the table. Contract drops the view.
     * Rollback drops the view and renames the table back, in one transaction.
     *
     * @param table the table
     * @param newName its new name, in the same schema
     */
    @CanIgnoreReturnValue
    public PlanBuilder renameTable(TableName table, String newName) {
        return with(new Operation.RenameTable(
                requireNonNull(table, "table"), Identifier.of(requireNonNull(newName, "newName"))));
    }

    /**
     * {@return a builder that also runs a raw SQL statement in {@code phase}}
     *
     * <p>Tandem cannot check raw SQL, so it is accepted only with a reason, which stays in the plan. Explaining the plan
     * shows the lint findings for the statement (locks, rewrites) from the unsafe-operations catalogue. Statements
     * PostgreSQL refuses inside a transaction block ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...; see
     * {@link SqlStatement#requiresNoTransaction()}) run outside one. {@link Phase#BACKFILL} places it at the end of the
     * backfill phase, after every backfill, while the old version still runs (for example a
     * {@code VALIDATE CONSTRAINT}).
     *
     * @param phase the phase
     * @param statement the statement
     * @param undo the statement that reverses it when the plan is rolled back, or {@code null}
     * @param unsafeReason why the author accepts running it unchecked
     */
    @CanIgnoreReturnValue
    public PlanBuilder rawSql(Phase phase, SqlStatement statement, @Nullable SqlStatement undo, String unsafeReason) {
        requireNonNull(statement, "statement");
        return rawSql(phase, List.of(statement), undo == null ? List.of() : List.of(undo), unsafeReason);
    }

    /**
     * {@return a builder that also runs raw SQL statements in {@code phase}, as one atomic unit}
     *
     * <p>The statements run in order in one transaction (all or nothing, under one {@code lock_timeout} and retried as
     * a whole), so no application version ever sees the schema between two of them: renaming a table and creating a
     * view under its old name, for example. Every statement must be able to run in a transaction. The undo statements
     * run the same way on rollback.
     *
     * @param phase the phase; see {@link #rawSql(Phase, SqlStatement, SqlStatement, String)}
     * @param statements the statements, at least one
     * @param undo the statements that reverse them on rollback, possibly none
     * @param unsafeReason why the author accepts running them unchecked
     */
    @CanIgnoreReturnValue
    public PlanBuilder rawSql(
            Phase phase, List<SqlStatement> statements, List<SqlStatement> undo, String unsafeReason) {
        requireNonNull(phase, "phase");
        requireNonNull(unsafeReason, "unsafeReason");
        return with(new Operation.RawSql(phase, List.copyOf(statements), List.copyOf(undo), unsafeReason));
    }

    /**
     * {@return the plan}
     *
     * @throws PlanValidationException listing every rule the plan breaks
     */
    public MigrationPlan build() {
        List<Violation> violations = new ArrayList<>();
        if (!PLAN_ID.matcher(id).matches()) {
            violations.add(new Violation(
                    "plan",
                    "id '" + id + "' is invalid: use 1-200 lower-case letters, digits, '.', '_', '-' or '/', "
                            + "starting with a letter or digit"));
        }
        if (ops.isEmpty()) {
            violations.add(
                    new Violation("plan", "has no operations; add at least one (addColumn, deriveColumns, ...)"));
        }

        Compilation c = new Compilation();
        c.violations.addAll(violations);
        Compiler compiler = new Compiler(c);
        for (Operation op : ops) {
            var unused = op.accept(compiler); // the compiler collects into c
        }
        c.checkRenamedAndDroppedTables();
        if (!c.violations.isEmpty()) {
            throw new PlanValidationException(ErrorCode.PLAN_INVALID, id, c.violations);
        }
        List<Step> steps = new ArrayList<>(c.expands);
        steps.addAll(c.syncs);
        steps.addAll(c.backfills);
        steps.addAll(c.afterBackfill);
        steps.addAll(c.contracts);
        return new MigrationPlan(id, description, steps, ops);
    }

    private static void compileDerive(DeriveColumns spec, boolean copiesColumn, Compilation into) {
        Set<String> usedIds = into.usedIds;
        List<Violation> violations = into.violations;
        Map<String, String> addedColumns = into.addedColumns;
        Map<String, String> syncedColumns = into.syncedColumns;
        List<Step> expands = into.expands;
        List<Step> syncs = into.syncs;
        List<Step> backfills = into.backfills;
        TableName table = spec.table();
        String base = spec.name()
                .orElseGet(() -> spec.fromColumns().isEmpty()
                        ? sanitize(table.name().value())
                        : defaultName(table, spec.fromColumns().get(0)));
        List<String> suffixes = new ArrayList<>(List.of("sync", "backfill"));
        for (DeriveColumns.Target t : spec.targets()) {
            suffixes.add("add-" + sanitize(t.column().value()));
        }
        String name = uniqueName(sanitize(base), usedIds, suffixes.toArray(new String[0]));
        int before = violations.size();
        if (spec.fromColumns().isEmpty()) {
            violations.add(new Violation(name, "derives columns from nothing; call from(...) with the old columns"));
        }
        if (spec.targets().isEmpty()) {
            violations.add(new Violation(name, "has no new columns; call into(column, type, forwardExpression)"));
        }
        Set<Identifier> fromSet = new LinkedHashSet<>(spec.fromColumns());
        if (fromSet.size() != spec.fromColumns().size()) {
            violations.add(new Violation(name, "lists an old column twice: " + spec.fromColumns()));
        }
        Set<Identifier> targetSet = new HashSet<>();
        List<Identifier> newColumns = new ArrayList<>();
        for (DeriveColumns.Target t : spec.targets()) {
            newColumns.add(t.column());
            if (fromSet.contains(t.column())) {
                violations.add(new Violation(
                        name, t.column().quoted() + " is both an old and a new column; derive into a new name"));
            }
            if (!targetSet.add(t.column())) {
                violations.add(new Violation(name, "new column " + t.column().quoted() + " is given twice"));
            }
        }
        Set<Identifier> backwardSet = new HashSet<>();
        for (DeriveColumns.BackwardMapping b : spec.backwardMappings()) {
            if (!fromSet.contains(b.column())) {
                violations.add(new Violation(
                        name,
                        "backward mapping targets " + b.column().quoted() + ", which is not an old column "
                                + spec.fromColumns() + "; add it with from(...)"));
            }
            if (!backwardSet.add(b.column())) {
                violations.add(
                        new Violation(name, "backward mapping for " + b.column().quoted() + " is given twice"));
            }
        }
        if (spec.oneWayReason().isPresent()) {
            if (!spec.backwardMappings().isEmpty()) {
                violations.add(
                        new Violation(name, "is declared one-way but has backward mappings; remove one or the other"));
            } else if (spec.oneWayReason().get().isBlank()) {
                violations.add(new Violation(
                        name, "is declared one-way without a reason; say why no backward mapping is needed"));
            }
        } else {
            for (Identifier old : fromSet) {
                if (!backwardSet.contains(old)) {
                    violations.add(new Violation(
                            name,
                            "has no backward mapping for old column " + old.quoted()
                                    + ": writes by the new application version would leave it stale for the old one."
                                    + " Add backward(\"" + old.value() + "\", expression), or declare oneWay(reason)"));
                }
            }
        }
        List<Identifier> all = new ArrayList<>(spec.fromColumns());
        all.addAll(newColumns);
        checkNames(violations, name, table, all);
        for (Identifier c : newColumns) {
            claim(violations, addedColumns, table, c, name, "added");
        }
        for (Identifier c : all) {
            claim(violations, syncedColumns, table, c, name, "kept in sync");
        }
        if (violations.size() > before) {
            return;
        }
        for (DeriveColumns.Target t : spec.targets()) {
            expands.add(new Expand(
                    stepId(name, "add-" + sanitize(t.column().value())), new AddColumn(table, t.column(), t.type())));
        }
        List<ColumnMapping> forward = new ArrayList<>();
        for (DeriveColumns.Target t : spec.targets()) {
            forward.add(new ColumnMapping(t.column(), t.forward()));
        }
        List<ColumnMapping> backward = new ArrayList<>();
        for (DeriveColumns.BackwardMapping b : spec.backwardMappings()) {
            backward.add(new ColumnMapping(b.column(), b.expression()));
        }
        DualWrite rule = new DualWrite(
                stepId(name, "sync"),
                table,
                spec.fromColumns(),
                forward,
                backward,
                spec.mappableCondition().orElse(null),
                spec.unmappedPolicy(),
                copiesColumn);
        syncs.add(rule);
        backfills.add(new Backfill(stepId(name, "backfill"), rule));
    }

    private static void checkNames(
            List<Violation> violations, String where, TableName table, List<Identifier> columns) {
        List<Identifier> all = new ArrayList<>();
        table.schemaName().ifPresent(all::add);
        all.add(table.name());
        all.addAll(columns);
        for (Identifier i : all) {
            if (i.byteLength() > Identifier.MAX_BYTES) {
                violations.add(new Violation(
                        where,
                        "identifier " + i.quoted() + " is " + i.byteLength() + " bytes long; PostgreSQL keeps at most "
                                + Identifier.MAX_BYTES + " bytes and would silently truncate it. Use a shorter name"));
            }
        }
    }

    private static void claim(
            List<Violation> violations,
            Map<String, String> claims,
            TableName table,
            Identifier column,
            String owner,
            String what) {
        String previous = claims.putIfAbsent(key(table, column), owner);
        if (previous != null && !previous.equals(owner)) {
            violations.add(new Violation(
                    owner,
                    "column " + column.quoted() + " of " + table.quoted() + " is already " + what + " by '" + previous
                            + "'; one operation per column"));
        }
    }

    private static String key(TableName table, Identifier column) {
        return table + "\0" + column.value();
    }

    /** {@return the table a step works on, or null (raw SQL)} */
    static @Nullable TableName tableOf(Step step) {
        if (step instanceof DualWrite d) {
            return d.table();
        }
        SchemaChange change = step instanceof Expand e
                ? e.change()
                : step instanceof AfterBackfill a ? a.change() : step instanceof Contract k ? k.change() : null;
        return change == null ? null : change.subject().orElse(null);
    }

    private static String key(String schema, Identifier name) {
        return schema + "\0" + name.value();
    }

    /** Unqualified names resolve in the executor's default schema, which the plan does not know: keep them apart. */
    private static String schemaOf(TableName table) {
        return table.schemaName().map(Identifier::value).orElse("");
    }

    private static List<Identifier> append(List<Identifier> list, Identifier one) {
        List<Identifier> out = new ArrayList<>(list);
        out.add(one);
        return out;
    }

    /** {@return the name, or a shortened one with a hash of the full name when it is longer than PostgreSQL keeps} */
    static Identifier fitted(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Identifier.MAX_BYTES) {
            return Identifier.of(name);
        }
        String hash = Integer.toHexString(name.hashCode() & 0x7fffffff);
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            String next = head.toString() + new String(Character.toChars(cp));
            if (next.getBytes(StandardCharsets.UTF_8).length + 1 + hash.length() > Identifier.MAX_BYTES) {
                break;
            }
            head.setLength(0);
            head.append(next);
            i += Character.charCount(cp);
        }
        return Identifier.of(head + "_" + hash);
    }

    private static StepId stepId(String name, String suffix) {
        return StepId.of(name + '/' + suffix);
    }

    static String defaultName(TableName table, Identifier column) {
        return sanitize(table.name().value() + '.' + column.value());
    }

    /** {@return {@code base}, or {@code base-2}, ... so that none of its step ids is taken; claims them} */
    private static String uniqueName(String base, Set<String> used, String... suffixes) {
        String candidate = base;
        for (int n = 2; !free(candidate, used, suffixes); n++) {
            candidate = base + '-' + n;
        }
        for (String s : suffixes) {
            used.add(candidate + '/' + s);
        }
        return candidate;
    }

    private static boolean free(String name, Set<String> used, String... suffixes) {
        for (String s : suffixes) {
            if (used.contains(name + '/' + s)) {
                return false;
            }
        }
        return true;
    }

    /** Lower-cases and replaces characters a step id cannot hold, so any table or column name gives a valid id. */
    static String sanitize(String raw) {
        StringBuilder out = new StringBuilder();
        for (char c : raw.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            out.append(ok ? c : '_');
        }
        String s = out.toString();
        if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0))) {
            s = "x" + s;
        }
        return s.length() > 150 ? s.substring(0, 150) : s;
    }
}
