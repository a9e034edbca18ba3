package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlExpression;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A new column for {@link PlanBuilder#addColumn(dev.tandem.plan.TableName, Column)}: its name, type, and optionally a
 * default and {@code NOT NULL}.
 *
 * <pre>{@code
 * Column.named("status", ColumnType.TEXT).withDefault(SqlExpression.trusted("'active'")).notNull()
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value.
 */
public final class Column {
    private final Identifier name;
    private final ColumnType type;
    private final @Nullable SqlExpression defaultValue;
    private final boolean notNull;
    private final @Nullable SqlExpression fill;
    private final List<Identifier> fillFrom;

    private Column(
            Identifier name,
            ColumnType type,
            @Nullable SqlExpression defaultValue,
            boolean notNull,
            @Nullable SqlExpression fill,
            List<Identifier> fillFrom) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.notNull = notNull;
        this.fill = fill;
        this.fillFrom = List.copyOf(fillFrom);
    }

    /**
     * {@return a nullable column without a default}
     *
     * @param name the column name, case-sensitive
     * @param type its data type
     */
    public static Column named(String name, ColumnType type) {
        return new Column(
                Identifier.of(requireNonNull(name, "name")),
                requireNonNull(type, "type"),
                null,
                false,
                null,
                List.of());
    }

    /**
     * {@return this column with a default}
     *
     * <p>A constant or a stable expression ({@code now()}) is stored once in the catalog, and the table is not
     * rewritten; a volatile one ({@code gen_random_uuid()}, {@code clock_timestamp()}) would rewrite the table under
     * ACCESS EXCLUSIVE, so expand refuses it.
     *
     * @param expression the default expression
     */
    public Column withDefault(SqlExpression expression) {
        return new Column(name, type, requireNonNull(expression, "expression"), notNull, fill, fillFrom);
    }

    /**
     * {@return this column, {@code NOT NULL}}
     *
     * <p>Needs a default: the old application version's inserts leave the new column out.
     */
    public Column notNull() {
        return new Column(name, type, defaultValue, true, fill, fillFrom);
    }

    /**
     * {@return this column, computed from other columns of the row by {@code expression}}
     *
     * <p>A sync trigger sets it on every insert and on every update of {@code columns}, so the old application version,
     * which does not know the column, keeps it filled; the backfill fills existing rows and verify checks them. It is
     * derived data: no version writes it (it is recomputed from {@code columns}). With {@link #notNull()} it gets a
     * {@code CHECK ... NOT VALID} once the backfill filled it, validated and turned into {@code NOT NULL} without a
     * scan at contract. Contract drops the trigger with the old version: from then on writers set the column.
     *
     * @param expression the value, over {@code columns}
     * @param columns the columns it reads
     */
    public Column filledFrom(SqlExpression expression, String... columns) {
        List<Identifier> from = new ArrayList<>();
        for (String c : columns) {
            from.add(Identifier.of(requireNonNull(c, "column")));
        }
        return new Column(name, type, defaultValue, notNull, requireNonNull(expression, "expression"), from);
    }

    /** {@return the expression that fills it, if any} */
    public Optional<SqlExpression> fill() {
        return Optional.ofNullable(fill);
    }

    /** {@return the columns the fill expression reads} */
    public List<Identifier> fillColumns() {
        return fillFrom;
    }

    /** {@return the name} */
    public Identifier name() {
        return name;
    }

    /** {@return the type} */
    public ColumnType type() {
        return type;
    }

    /** {@return the default, if any} */
    public Optional<SqlExpression> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** {@return whether it is NOT NULL} */
    public boolean isNotNull() {
        return notNull;
    }

    @Override
    public String toString() {
        return "Column[" + name.quoted() + ' ' + type.sql() + (defaultValue == null ? "" : " DEFAULT " + defaultValue)
                + (notNull ? " NOT NULL" : "") + "]";
    }
}
