package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sets or drops a column's default, catalog-only under a brief ACCESS EXCLUSIVE lock. In expand the previous default
 * is saved in the same transaction, and rollback puts it back; in contract (where a plan drops a default the old
 * application version's inserts relied on) there is no rollback.
 *
 * @param table the table
 * @param column the column
 * @param value the new default, or {@code null} to drop it
 */
public record SetDefault(
        TableName table, Identifier column, @Nullable SqlExpression value) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column
     * @param value the new default, or {@code null} to drop it
     */
    public SetDefault {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
    }

    /** {@return the new default; empty when the default is dropped} */
    public Optional<SqlExpression> defaultExpression() {
        return Optional.ofNullable(value);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitSetDefault(this);
    }
}
