package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Adds a column: a catalog-only change under a brief ACCESS EXCLUSIVE lock that never rewrites the table. A default
 * must not be volatile (PostgreSQL would rewrite the table to fill it); {@code NOT NULL} needs a default, so that the
 * old application version's inserts, which leave the column out, still work. Rolled back by dropping the column.
 *
 * @param table the table
 * @param column the new column
 * @param type its data type
 * @param defaultValue its default, or {@code null} for none
 * @param notNull whether it is {@code NOT NULL}
 */
public record AddColumn(
        TableName table,
        Identifier column,
        ColumnType type,
        @Nullable SqlExpression defaultValue,
        boolean notNull) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the new column
     * @param type its data type
     * @param defaultValue its default, or {@code null}
     * @param notNull whether it is NOT NULL
     */
    public AddColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(type, "type");
    }

    /**
     * A nullable column without a default.
     *
     * @param table the table
     * @param column the new column
     * @param type its data type
     */
    public AddColumn(TableName table, Identifier column, ColumnType type) {
        this(table, column, type, null, false);
    }

    /** {@return the default, if the column has one} */
    public Optional<SqlExpression> defaultExpression() {
        return Optional.ofNullable(defaultValue);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitAddColumn(this);
    }
}
