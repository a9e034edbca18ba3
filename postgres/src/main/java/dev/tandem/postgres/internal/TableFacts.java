package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the renderer needs to know about a table from the catalog.
 *
 * @param table the schema-qualified table
 * @param key its primary-key columns in key order; empty when it has none
 * @param columns every column, in the table's order
 * @param ownerOid the oid of the role that owns the table; only its members may switch the sync trigger off, since
 *     they could drop it anyway
 * @param indexes the table's indexes
 */
public record TableFacts(
        TableName table,
        List<KeyColumn> key,
        Map<Identifier, ColumnFacts> columns,
        long ownerOid,
        List<IndexFacts> indexes,
        List<ConstraintFacts> constraints) {

    /**
     * Copies the collections, keeping the column order.
     *
     * @param table table
     * @param key key columns
     * @param columns columns
     * @param ownerOid owner
     * @param indexes indexes
     */
    public TableFacts {
        key = List.copyOf(key);
        indexes = List.copyOf(indexes);
        constraints = List.copyOf(constraints);
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /**
     * Facts without constraints.
     *
     * @param table table
     * @param key key columns
     * @param columns columns
     * @param ownerOid owner
     * @param indexes indexes
     */
    public TableFacts(
            TableName table,
            List<KeyColumn> key,
            Map<Identifier, ColumnFacts> columns,
            long ownerOid,
            List<IndexFacts> indexes) {
        this(table, key, columns, ownerOid, indexes, List.of());
    }

    /**
     * {@return facts for plain columns without defaults; for tests}
     *
     * @param table the table
     * @param key the key
     * @param baseTypes each column's type without modifier, in order
     */
    public static TableFacts ofTypes(TableName table, List<KeyColumn> key, Map<Identifier, String> baseTypes) {
        Map<Identifier, ColumnFacts> columns = new LinkedHashMap<>();
        baseTypes.forEach((c, t) -> columns.put(c, ColumnFacts.plain(c, t, t)));
        return new TableFacts(table, key, columns, 10, List.of());
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
        ColumnFacts c = columns.get(column);
        return c == null ? null : c.baseType();
    }

    /**
     * {@return the same facts for the table under another name}
     *
     * @param name the qualified name
     */
    public TableFacts named(TableName name) {
        return name.equals(table) ? this : new TableFacts(name, key, columns, ownerOid, indexes, constraints);
    }

    /**
     * {@return the column, or {@code null} if it does not exist (yet)}
     *
     * @param column the column
     */
    public @Nullable ColumnFacts column(Identifier column) {
        return columns.get(column);
    }
}
