package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.ConstraintDefinition;
import dev.tandem.plan.CreateTable;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * A new table for {@link PlanBuilder#createTable(Table)}:
 *
 * <pre>{@code
 * Table.named(TableName.of("addresses"))
 *     .column(Column.named("id", ColumnType.BIGINT).notNull().withDefault(...))
 *     .column(Column.named("customer_id", ColumnType.INTEGER).notNull() ...)
 *     .primaryKey("id")
 *     .foreignKey(ForeignKey.named("addresses_customer_fk").from(addresses, "customer_id").references(customers, "id"))
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value.
 */
public final class Table {
    private final TableName name;
    private final List<Column> columns;
    private final List<Identifier> primaryKey;
    private final List<CreateTable.NamedConstraint> constraints;
    private final List<ForeignKey> foreignKeys;

    private Table(
            TableName name,
            List<Column> columns,
            List<Identifier> primaryKey,
            List<CreateTable.NamedConstraint> constraints,
            List<ForeignKey> foreignKeys) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        this.constraints = List.copyOf(constraints);
        this.foreignKeys = List.copyOf(foreignKeys);
    }

    /**
     * {@return a table without columns yet}
     *
     * @param name the table's name
     */
    public static Table named(TableName name) {
        return new Table(requireNonNull(name, "name"), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * {@return this table with one more column}
     *
     * <p>A new table has no rows and no reader yet: any default and {@code NOT NULL} is fine here, a volatile default
     * included.
     *
     * @param column the column
     */
    public Table column(Column column) {
        List<Column> next = new ArrayList<>(columns);
        next.add(requireNonNull(column, "column"));
        return new Table(name, next, primaryKey, constraints, foreignKeys);
    }

    /**
     * {@return this table with a primary key}
     *
     * @param columns its columns
     */
    public Table primaryKey(String... columns) {
        return new Table(name, this.columns, ids(columns), constraints, foreignKeys);
    }

    /**
     * {@return this table with a unique constraint}
     *
     * @param constraint its name
     * @param columns its columns
     */
    public Table unique(String constraint, String... columns) {
        return with(constraint, new ConstraintDefinition.Unique(ids(columns)));
    }

    /**
     * {@return this table with a check constraint}
     *
     * @param constraint its name
     * @param condition the condition
     */
    public Table check(String constraint, SqlExpression condition) {
        return with(constraint, new ConstraintDefinition.Check(requireNonNull(condition, "condition")));
    }

    /**
     * {@return this table with a foreign key; its {@code from} table must be this table}
     *
     * @param foreignKey the key
     */
    public Table foreignKey(ForeignKey foreignKey) {
        List<ForeignKey> next = new ArrayList<>(foreignKeys);
        next.add(requireNonNull(foreignKey, "foreignKey"));
        return new Table(name, columns, primaryKey, constraints, next);
    }

    private Table with(String constraint, ConstraintDefinition definition) {
        List<CreateTable.NamedConstraint> next = new ArrayList<>(constraints);
        next.add(new CreateTable.NamedConstraint(Identifier.of(requireNonNull(constraint, "constraint")), definition));
        return new Table(name, columns, primaryKey, next, foreignKeys);
    }

    private static List<Identifier> ids(String... names) {
        List<Identifier> out = new ArrayList<>();
        for (String n : names) {
            out.add(Identifier.of(requireNonNull(n, "column")));
        }
        return out;
    }

    /** {@return the table's name} */
    public TableName name() {
        return name;
    }

    /** {@return the columns} */
    public List<Column> columns() {
        return columns;
    }

    /** {@return the primary key's columns} */
    public List<Identifier> primaryKeyColumns() {
        return primaryKey;
    }

    /** {@return the unique and check constraints} */
    public List<CreateTable.NamedConstraint> constraints() {
        return constraints;
    }

    /** {@return the foreign keys} */
    public List<ForeignKey> foreignKeys() {
        return foreignKeys;
    }
}
