package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Columns moved out of a table into a new table that holds one row per row of the table, keyed by a foreign key to the
 * table's primary key (an extract table).
 *
 * <p>In an {@link Expand} step it creates the new table (the key, then each column with its type, collation, default
 * and {@code NOT NULL}; the table's owner and grants) and the triggers that keep both sides equal while both
 * application versions run. The old version writes the columns in {@code table}, the new one in {@code target}, and
 * each sees the other's writes: a row of {@code target} exists for a row of {@code table} when one of the columns is
 * not null or the new version wrote it. In a {@link Contract} step it drops those triggers, in the transaction that
 * drops the columns from {@code table}.
 *
 * @param table the table the columns leave; it has a one-column primary key
 * @param columns the columns, in the new table's order
 * @param target the new table
 * @param targetKey the new table's primary key, which references {@code table}'s primary key
 */
public record MoveColumns(TableName table, List<Identifier> columns, TableName target, Identifier targetKey)
        implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param columns the moved columns
     * @param target the new table
     * @param targetKey its key column
     * @throws IllegalArgumentException if there are no columns, a column repeats or is the key, or both tables are one
     */
    public MoveColumns {
        requireNonNull(table, "table");
        requireNonNull(target, "target");
        requireNonNull(targetKey, "targetKey");
        columns = List.copyOf(columns);
        Checks.argument(!columns.isEmpty(), "moves no columns out of %s", table.quoted());
        Set<Identifier> seen = new HashSet<>();
        for (Identifier c : columns) {
            Checks.argument(seen.add(c), "moves column %s twice", c.quoted());
        }
        Checks.argument(
                !seen.contains(targetKey),
                "the key %s of %s is also one of the moved columns",
                targetKey.quoted(),
                target.quoted());
        Checks.argument(!table.equals(target), "moves columns of %s into itself", table.quoted());
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitMoveColumns(this);
    }
}
