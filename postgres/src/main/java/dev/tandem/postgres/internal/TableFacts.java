package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the renderer needs to know about a table from the catalog.
 *
 * @param table the schema-qualified table
 * @param key its primary-key columns in key order; empty when it has none (batches then use {@code ctid} ranges)
 * @param columnTypes every column's type without its modifier ({@code character varying}, {@code numeric}), for
 *     comparisons that must not truncate
 */
public record TableFacts(TableName table, List<KeyColumn> key, Map<Identifier, String> columnTypes) {

    /**
     * Copies the collections.
     *
     * @param table table
     * @param key key columns
     * @param columnTypes column types
     */
    public TableFacts {
        key = List.copyOf(key);
        columnTypes = Map.copyOf(columnTypes);
    }

    /** {@return whether the table has a primary key} */
    public boolean hasKey() {
        return !key.isEmpty();
    }

    /**
     * {@return the column's type without modifier, or {@code null} if the column does not exist (yet)}
     *
     * @param column the column
     */
    public @Nullable String baseType(Identifier column) {
        return columnTypes.get(column);
    }
}
