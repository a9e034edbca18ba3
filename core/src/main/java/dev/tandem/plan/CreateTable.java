package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Creates a table in expand, with its primary key, unique and check constraints, in one transaction; foreign keys are
 * added {@code NOT VALID} in the same transaction (nothing to scan in a new table) and validated after the backfill.
 * Neither application version knows the table before expand, so nothing waits. Rolled back by dropping it.
 *
 * @param table the table
 * @param columns its columns, in order
 * @param primaryKey the primary key's columns, possibly none
 * @param constraints its named unique, check and foreign-key constraints
 */
public record CreateTable(
        TableName table, List<ColumnDefinition> columns, List<Identifier> primaryKey, List<NamedConstraint> constraints)
        implements SchemaChange {

    /**
     * A column of a new table.
     *
     * @param name the name
     * @param type the type
     * @param defaultValue the default, or {@code null}
     * @param notNull whether it is NOT NULL
     */
    public record ColumnDefinition(
            Identifier name, ColumnType type, @Nullable SqlExpression defaultValue, boolean notNull) {
        /**
         * Checks the components.
         *
         * @param name name
         * @param type type
         * @param defaultValue default, or null
         * @param notNull not null
         */
        public ColumnDefinition {
            requireNonNull(name, "name");
            requireNonNull(type, "type");
        }
    }

    /**
     * A named constraint of a new table.
     *
     * @param name the name
     * @param definition what it checks
     */
    public record NamedConstraint(Identifier name, ConstraintDefinition definition) {
        /**
         * Checks the components.
         *
         * @param name name
         * @param definition definition
         */
        public NamedConstraint {
            requireNonNull(name, "name");
            requireNonNull(definition, "definition");
        }
    }

    /**
     * Checks the components.
     *
     * @param table the table
     * @param columns at least one column, no name twice
     * @param primaryKey primary key columns, each a column of the table
     * @param constraints constraints
     * @throws IllegalArgumentException if there is no column, a column repeats, or a key column is unknown
     */
    public CreateTable {
        requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        constraints = List.copyOf(constraints);
        Checks.argument(!columns.isEmpty(), "table %s needs at least one column", table.quoted());
        Set<Identifier> names = new HashSet<>();
        for (ColumnDefinition c : columns) {
            Checks.argument(
                    names.add(c.name()),
                    "column %s of %s is given twice",
                    c.name().quoted(),
                    table.quoted());
        }
        for (Identifier k : primaryKey) {
            Checks.argument(
                    names.contains(k), "primary key column %s is not a column of %s", k.quoted(), table.quoted());
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitCreateTable(this);
    }
}
