package dev.tandem;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.tandem.plan.AddColumn;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.ColumnMapping;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Contract;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
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

    private sealed interface Op permits AddColumnOp, DeriveOp, DropColumnOp, RawOp {}

    private record AddColumnOp(TableName table, Identifier column, ColumnType type) implements Op {}

    private record DeriveOp(DeriveColumns spec, boolean copiesColumn) implements Op {}

    private record DropColumnOp(TableName table, Identifier column) implements Op {}

    private record RawOp(Phase phase, @Nullable String name, RawChangeInput input) implements Op {}

    private record RawChangeInput(
            SqlStatement statement, @Nullable SqlStatement undo, String unsafeReason, boolean transactional) {}

    private final String id;
    private final String description;
    private final List<Op> ops;

    private PlanBuilder(String id, String description, List<Op> ops) {
        this.id = id;
        this.description = description;
        this.ops = List.copyOf(ops);
    }

    static PlanBuilder start(String id) {
        return new PlanBuilder(id, "", List.of());
    }

    private PlanBuilder with(Op op) {
        List<Op> next = new ArrayList<>(ops);
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
        return with(new AddColumnOp(
                requireNonNull(table, "table"),
                Identifier.of(requireNonNull(column, "column")),
                requireNonNull(type, "type")));
    }

    /**
     * {@return a builder that also derives new columns from old ones; see {@link DeriveColumns}}
     *
     * @param operation the operation
     */
    @CanIgnoreReturnValue
    public PlanBuilder deriveColumns(DeriveColumns operation) {
        return with(new DeriveOp(requireNonNull(operation, "operation"), false));
    }

    /**
     * {@return a builder that also renames a column by copy: a new column kept equal to the old one in both
     * directions, filled by backfill, and the old column dropped in contract}
     *
     * <p>Old application versions keep using {@code from}, new ones use {@code to}, and both see each other's writes.
     * The new column takes over the old one's default, {@code NOT NULL} (checked {@code NOT VALID} from expand on,
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
        return with(new DeriveOp(
                        DeriveColumns.on(table)
                                .named(defaultName(table, fromId) + "-rename")
                                .from(from)
                                .into(to, type, SqlExpression.trusted(fromId.quoted()))
                                .backward(from, SqlExpression.trusted(toId.quoted())),
                        true))
                .dropColumn(table, from);
    }

    /**
     * {@return a builder that also drops a column in the contract phase}
     *
     * @param table the table
     * @param column the column to drop once no application version uses it
     */
    @CanIgnoreReturnValue
    public PlanBuilder dropColumn(TableName table, String column) {
        return with(new DropColumnOp(requireNonNull(table, "table"), Identifier.of(requireNonNull(column, "column"))));
    }

    /**
     * {@return a builder that also runs a raw SQL statement in {@code phase}}
     *
     * <p>Tandem cannot check raw SQL, so it is accepted only with a reason, which stays in the plan. Explaining the plan
     * shows the lint findings for the statement (locks, rewrites) from the unsafe-operations catalogue. Statements
     * PostgreSQL refuses inside a transaction block ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...; see
     * {@link SqlStatement#requiresNoTransaction()}) run outside one.
     *
     * @param phase {@link Phase#EXPAND} or {@link Phase#CONTRACT}
     * @param statement the statement
     * @param undo the statement that reverses it when the plan is rolled back, or {@code null}
     * @param unsafeReason why the author accepts running it unchecked
     */
    @CanIgnoreReturnValue
    public PlanBuilder rawSql(Phase phase, SqlStatement statement, @Nullable SqlStatement undo, String unsafeReason) {
        requireNonNull(phase, "phase");
        requireNonNull(statement, "statement");
        requireNonNull(unsafeReason, "unsafeReason");
        return with(new RawOp(
                phase, null, new RawChangeInput(statement, undo, unsafeReason, !statement.requiresNoTransaction())));
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

        List<Step> expands = new ArrayList<>();
        List<Step> syncs = new ArrayList<>();
        List<Step> backfills = new ArrayList<>();
        List<Step> contracts = new ArrayList<>();
        Set<String> usedIds = new HashSet<>();
        Map<String, String> addedColumns = new HashMap<>(); // "table\0column" -> operation name
        Map<String, String> syncedColumns = new HashMap<>();
        int rawCount = 0;

        for (Op op : ops) {
            if (op instanceof AddColumnOp a) {
                String name = uniqueName(defaultName(a.table(), a.column()), usedIds, "add");
                checkNames(violations, name, a.table(), List.of(a.column()));
                claim(violations, addedColumns, a.table(), a.column(), name, "added");
                expands.add(new Expand(stepId(name, "add"), new AddColumn(a.table(), a.column(), a.type())));
            } else if (op instanceof DeriveOp d) {
                compileDerive(
                        d.spec(),
                        d.copiesColumn(),
                        usedIds,
                        violations,
                        addedColumns,
                        syncedColumns,
                        expands,
                        syncs,
                        backfills);
            } else if (op instanceof DropColumnOp dc) {
                String name = uniqueName(defaultName(dc.table(), dc.column()), usedIds, "drop");
                checkNames(violations, name, dc.table(), List.of(dc.column()));
                String adder = addedColumns.get(key(dc.table(), dc.column()));
                if (adder != null) {
                    violations.add(new Violation(
                            name + "/drop",
                            "drops " + dc.column().quoted() + ", which this plan adds in '" + adder
                                    + "'; a plan must not drop a column it creates"));
                }
                contracts.add(new Contract(stepId(name, "drop"), new DropColumn(dc.table(), dc.column())));
            } else if (op instanceof RawOp r) {
                rawCount++;
                String phaseName = r.phase().name().toLowerCase(Locale.ROOT);
                String name = uniqueName("raw-" + rawCount, usedIds, phaseName);
                String where = name + '/' + phaseName;
                if (r.phase() == Phase.BACKFILL) {
                    violations.add(new Violation(where, "raw SQL runs in EXPAND or CONTRACT, not BACKFILL"));
                    continue;
                }
                RawChange change;
                try {
                    change = new RawChange(
                            r.input().statement(),
                            r.input().undo(),
                            r.input().unsafeReason(),
                            r.input().transactional());
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation(where, String.valueOf(e.getMessage())));
                    continue;
                }
                StepId sid = stepId(name, phaseName);
                if (r.phase() == Phase.EXPAND) {
                    expands.add(new Expand(sid, change));
                } else {
                    contracts.add(new Contract(sid, change));
                }
            }
        }

        if (!violations.isEmpty()) {
            throw new PlanValidationException(ErrorCode.PLAN_INVALID, id, violations);
        }
        List<Step> steps = new ArrayList<>(expands);
        steps.addAll(syncs);
        steps.addAll(backfills);
        steps.addAll(contracts);
        return new MigrationPlan(id, description, steps);
    }

    private static void compileDerive(
            DeriveColumns spec,
            boolean copiesColumn,
            Set<String> usedIds,
            List<Violation> violations,
            Map<String, String> addedColumns,
            Map<String, String> syncedColumns,
            List<Step> expands,
            List<Step> syncs,
            List<Step> backfills) {
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
