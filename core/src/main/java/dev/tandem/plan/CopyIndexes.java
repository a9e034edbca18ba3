package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Builds, after the backfill filled a copy column, its equivalent of each single-column index of the column,
 * concurrently (unique where the column's is), so that the new application version's reads by the copy's name use an
 * index. Rollback drops them with the copy.
 *
 * @param table the table
 * @param column the column whose indexes are copied
 * @param copy the copy column
 */
public record CopyIndexes(TableName table, Identifier column, Identifier copy) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column whose indexes are copied
     * @param copy the copy column
     */
    public CopyIndexes {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(copy, "copy");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitCopyIndexes(this);
    }
}
