package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops a table in contract, once no application version uses it. Contract refuses, and changes nothing, while views or
 * foreign keys of other tables depend on it.
 *
 * @param table the table
 */
public record DropTable(TableName table) implements SchemaChange {

    /**
     * Checks the component.
     *
     * @param table the table
     */
    public DropTable {
        requireNonNull(table, "table");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropTable(this);
    }
}
