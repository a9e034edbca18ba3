package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Columns moved back from a table that holds one row per row of another (its one-column primary key references the
 * other's) into that other table: the reverse of {@link MoveColumns}.
 *
 * <p>In an {@link Expand} step it adds the columns to {@code into} (type, collation, default; nullable) and installs the
 * triggers that keep both sides equal while both versions run: the old version writes {@code table}, the new one the
 * columns of {@code into}, and each sees the other's writes. In a {@link Contract} step it drops the triggers, in the
 * transaction that drops the columns from {@code table}.
 *
 * @param table the table the columns leave, keyed by a foreign key to {@code into}'s primary key
 * @param columns the columns
 * @param into the table that takes them
 */
public record MergeColumns(TableName table, List<Identifier> columns, TableName into) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table the columns leave
     * @param columns the columns
     * @param into the table that takes them
     * @throws IllegalArgumentException if there are no columns, a column repeats, or both tables are one
     */
    public MergeColumns {
        requireNonNull(table, "table");
        requireNonNull(into, "into");
        columns = List.copyOf(columns);
        Checks.argument(!columns.isEmpty(), "merges no columns of %s", table.quoted());
        Set<Identifier> seen = new HashSet<>();
        for (Identifier c : columns) {
            Checks.argument(seen.add(c), "merges column %s twice", c.quoted());
        }
        Checks.argument(!table.equals(into), "merges columns of %s into itself", table.quoted());
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitMergeColumns(this);
    }
}
