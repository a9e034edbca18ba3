package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlExpression;
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

    private Column(Identifier name, ColumnType type, @Nullable SqlExpression defaultValue, boolean notNull) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.notNull = notNull;
    }

    /**
     * {@return a nullable column without a default}
     *
     * @param name the column name, case-sensitive
     * @param type its data type
     */
    public static Column named(String name, ColumnType type) {
        return new Column(Identifier.of(requireNonNull(name, "name")), requireNonNull(type, "type"), null, false);
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
        return new Column(name, type, requireNonNull(expression, "expression"), notNull);
    }

    /**
     * {@return this column, {@code NOT NULL}}
     *
     * <p>Needs a default: the old application version's inserts leave the new column out.
     */
    public Column notNull() {
        return new Column(name, type, defaultValue, true);
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
