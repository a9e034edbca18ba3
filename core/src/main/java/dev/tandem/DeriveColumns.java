package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The "derive columns" operation: one or more new columns computed from existing ones. Tandem adds the new columns
 * (expand), installs a trigger that keeps both representations in sync in both directions (dual write), fills the new
 * columns for existing rows in batches (backfill), and leaves the old columns for the contract phase to drop.
 *
 * <p>Splitting {@code customers.address} into structured columns:
 *
 * <pre>{@code
 * DeriveColumns.on(TableName.of("customers"))
 *     .from("address")
 *     .into("street_address", ColumnType.varchar(255), SqlExpression.trusted("trim(split_part(address, ',', 1))"))
 *     .into("city", ColumnType.varchar(100), SqlExpression.trusted("trim(split_part(address, ',', 2))"))
 *     .backward("address", SqlExpression.trusted("concat_ws(', ', street_address, city)"))
 * }</pre>
 *
 * <p>Renaming a column by copy is the same operation with identity expressions; see
 * {@link PlanBuilder#renameColumnByCopy}.
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value and leaves the receiver unchanged.
 * Whole-operation rules (every old column has a backward mapping, no column on both sides, ...) are checked by
 * {@link PlanBuilder#build()}, which reports every problem at once.
 */
public final class DeriveColumns {

    /**
     * A new column and the forward expression that computes it.
     *
     * @param column the new column
     * @param type its data type
     * @param forward the expression over the old columns
     */
    public record Target(Identifier column, ColumnType type, SqlExpression forward) {
        /**
         * Checks the components.
         *
         * @param column the new column
         * @param type its type
         * @param forward the forward expression
         */
        public Target {
            requireNonNull(column, "column");
            requireNonNull(type, "type");
            requireNonNull(forward, "forward");
        }
    }

    /**
     * An old column and the backward expression that recomputes it from the new columns.
     *
     * @param column the old column
     * @param expression the expression over the new columns
     */
    public record BackwardMapping(Identifier column, SqlExpression expression) {
        /**
         * Checks the components.
         *
         * @param column the old column
         * @param expression the backward expression
         */
        public BackwardMapping {
            requireNonNull(column, "column");
            requireNonNull(expression, "expression");
        }
    }

    private final TableName table;
    private final @Nullable String name;
    private final List<Identifier> from;
    private final List<Target> targets;
    private final List<BackwardMapping> backward;
    private final @Nullable SqlExpression mappableWhen;
    private final UnmappedPolicy unmappedPolicy;
    private final @Nullable String oneWayReason;

    private DeriveColumns(
            TableName table,
            @Nullable String name,
            List<Identifier> from,
            List<Target> targets,
            List<BackwardMapping> backward,
            @Nullable SqlExpression mappableWhen,
            UnmappedPolicy unmappedPolicy,
            @Nullable String oneWayReason) {
        this.table = table;
        this.name = name;
        this.from = List.copyOf(from);
        this.targets = List.copyOf(targets);
        this.backward = List.copyOf(backward);
        this.mappableWhen = mappableWhen;
        this.unmappedPolicy = unmappedPolicy;
        this.oneWayReason = oneWayReason;
    }

    /**
     * {@return an empty operation on {@code table}}
     *
     * @param table the table whose columns are derived
     */
    public static DeriveColumns on(TableName table) {
        return new DeriveColumns(
                requireNonNull(table, "table"),
                null,
                List.of(),
                List.of(),
                List.of(),
                null,
                UnmappedPolicy.RECORD,
                null);
    }

    /**
     * {@return a copy that names the operation; step ids are {@code <name>/<step>}. Defaults to
     * {@code <table>.<first old column>}}
     *
     * @param name the operation's name, used as the prefix of its step ids
     */
    public DeriveColumns named(String name) {
        return new DeriveColumns(
                table,
                requireNonNull(name, "name"),
                from,
                targets,
                backward,
                mappableWhen,
                unmappedPolicy,
                oneWayReason);
    }

    /**
     * {@return a copy that also reads the given old columns}
     *
     * @param columns old-side column names, case-sensitive
     */
    public DeriveColumns from(String... columns) {
        List<Identifier> next = new ArrayList<>(from);
        for (String c : columns) {
            next.add(Identifier.of(c));
        }
        return new DeriveColumns(table, name, next, targets, backward, mappableWhen, unmappedPolicy, oneWayReason);
    }

    /**
     * {@return a copy with one more new column, computed by {@code forward} from the old columns}
     *
     * @param column the new column's name, case-sensitive
     * @param type its data type
     * @param forward the expression over the old columns
     */
    public DeriveColumns into(String column, ColumnType type, SqlExpression forward) {
        List<Target> next = new ArrayList<>(targets);
        next.add(new Target(Identifier.of(column), type, forward));
        return new DeriveColumns(table, name, from, next, backward, mappableWhen, unmappedPolicy, oneWayReason);
    }

    /**
     * {@return a copy that recomputes the old column {@code column} with {@code expression} when a writer changes only
     * the new columns}
     *
     * @param column an old column's name
     * @param expression the expression over the new columns
     */
    public DeriveColumns backward(String column, SqlExpression expression) {
        List<BackwardMapping> next = new ArrayList<>(backward);
        next.add(new BackwardMapping(Identifier.of(column), expression));
        return new DeriveColumns(table, name, from, targets, next, mappableWhen, unmappedPolicy, oneWayReason);
    }

    /**
     * {@return a copy where an old value is mapped forward only when {@code condition} is not false; values for which
     * it is false are unmapped and handled by the {@linkplain #onUnmapped policy}}
     *
     * <p>As with a {@code CHECK} constraint, a NULL result accepts the value, so rows whose old columns are NULL map
     * to whatever the forward expressions give for NULL.
     *
     * @param condition a boolean expression over the old columns
     */
    public DeriveColumns mappableWhen(SqlExpression condition) {
        return new DeriveColumns(
                table,
                name,
                from,
                targets,
                backward,
                requireNonNull(condition, "condition"),
                unmappedPolicy,
                oneWayReason);
    }

    /**
     * {@return a copy with another unmapped-value policy (default {@link UnmappedPolicy#RECORD})}
     *
     * @param policy the policy
     */
    public DeriveColumns onUnmapped(UnmappedPolicy policy) {
        return new DeriveColumns(
                table, name, from, targets, backward, mappableWhen, requireNonNull(policy, "policy"), oneWayReason);
    }

    /**
     * {@return a copy without backward mappings: writes to the new columns are not copied to the old ones}
     *
     * <p>Only safe when no version of the application writes the new columns while the old version still reads the old
     * ones. The reason is kept in the plan and shown when it is explained.
     *
     * @param reason why no backward mapping is needed
     */
    public DeriveColumns oneWay(String reason) {
        return new DeriveColumns(
                table, name, from, targets, backward, mappableWhen, unmappedPolicy, requireNonNull(reason, "reason"));
    }

    /** {@return the table} */
    public TableName table() {
        return table;
    }

    /** {@return the operation's name, if one was given} */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** {@return the old columns, in order} */
    public List<Identifier> fromColumns() {
        return from;
    }

    /** {@return the new columns with their types and forward expressions, in order} */
    public List<Target> targets() {
        return targets;
    }

    /** {@return the backward mappings, in order} */
    public List<BackwardMapping> backwardMappings() {
        return backward;
    }

    /** {@return the mappability condition, if any} */
    public Optional<SqlExpression> mappableCondition() {
        return Optional.ofNullable(mappableWhen);
    }

    /** {@return the unmapped-value policy} */
    public UnmappedPolicy unmappedPolicy() {
        return unmappedPolicy;
    }

    /** {@return why the operation has no backward mappings, if it was declared one-way} */
    public Optional<String> oneWayReason() {
        return Optional.ofNullable(oneWayReason);
    }
}
