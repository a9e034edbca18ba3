package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops an index of a table with {@code DROP INDEX CONCURRENTLY}, in the contract phase: reads and writes go on.
 *
 * @param table the table the index belongs to
 * @param name the index name
 */
public record DropIndex(TableName table, Identifier name) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the index
     */
    public DropIndex {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropIndex(this);
    }
}
