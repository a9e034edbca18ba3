package dev.tandem;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An index for {@link PlanBuilder#createIndex(Index)}, built with {@code CREATE INDEX CONCURRENTLY}:
 *
 * <pre>{@code
 * Index.on(TableName.of("orders")).named("orders_open_created_idx")
 *     .columns("created_at").include("total").where(SqlExpression.trusted("status = 'open'"))
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe: every method returns a new value.
 */
public final class Index {
    private final TableName table;
    private final @Nullable Identifier name;
    private final boolean unique;
    private final String method;
    private final List<SqlExpression> keys;
    private final List<Identifier> include;
    private final @Nullable SqlExpression where;

    private Index(
            TableName table,
            @Nullable Identifier name,
            boolean unique,
            String method,
            List<SqlExpression> keys,
            List<Identifier> include,
            @Nullable SqlExpression where) {
        this.table = table;
        this.name = name;
        this.unique = unique;
        this.method = method;
        this.keys = List.copyOf(keys);
        this.include = List.copyOf(include);
        this.where = where;
    }

    /**
     * {@return an index on {@code table}, still without a name and keys}
     *
     * @param table the table
     */
    public static Index on(TableName table) {
        return new Index(requireNonNull(table, "table"), null, false, "btree", List.of(), List.of(), null);
    }

    /**
     * {@return this index with a name; it lives in the table's schema}
     *
     * @param name the index name, case-sensitive
     */
    public Index named(String name) {
        return new Index(table, Identifier.of(requireNonNull(name, "name")), unique, method, keys, include, where);
    }

    /**
     * {@return this index with more key columns}
     *
     * @param columns column names, case-sensitive
     */
    public Index columns(String... columns) {
        List<SqlExpression> next = new ArrayList<>(keys);
        for (String c : columns) {
            next.add(SqlExpression.trusted(
                    Identifier.of(requireNonNull(c, "column")).quoted()));
        }
        return new Index(table, name, unique, method, next, include, where);
    }

    /**
     * {@return this index with one more key expression, such as {@code lower(email)}; the text is SQL, see
     * {@link dev.tandem.plan.RawSql}}
     *
     * @param expression the key expression, or a column with an operator class ({@code "name" text_pattern_ops})
     */
    public Index expression(SqlExpression expression) {
        List<SqlExpression> next = new ArrayList<>(keys);
        next.add(requireNonNull(expression, "expression"));
        return new Index(table, name, unique, method, next, include, where);
    }

    /** {@return this index, unique} */
    public Index unique() {
        return new Index(table, name, true, method, keys, include, where);
    }

    /**
     * {@return this index with another access method}
     *
     * @param method {@code btree} (the default), {@code hash}, {@code gin}, {@code gist}, {@code brin}, ...
     */
    public Index using(String method) {
        return new Index(table, name, unique, requireNonNull(method, "method"), keys, include, where);
    }

    /**
     * {@return this index with non-key columns stored in it ({@code INCLUDE})}
     *
     * @param columns column names
     */
    public Index include(String... columns) {
        List<Identifier> next = new ArrayList<>(include);
        for (String c : columns) {
            next.add(Identifier.of(requireNonNull(c, "column")));
        }
        return new Index(table, name, unique, method, keys, next, where);
    }

    /**
     * {@return this index, partial: it covers only the rows for which {@code predicate} holds}
     *
     * @param predicate the condition
     */
    public Index where(SqlExpression predicate) {
        return new Index(table, name, unique, method, keys, include, requireNonNull(predicate, "predicate"));
    }

    /** {@return the table} */
    public TableName table() {
        return table;
    }

    /** {@return the name, if given} */
    public Optional<Identifier> name() {
        return Optional.ofNullable(name);
    }

    /** {@return whether it is unique} */
    public boolean isUnique() {
        return unique;
    }

    /** {@return the access method} */
    public String method() {
        return method;
    }

    /** {@return the keys, in order} */
    public List<SqlExpression> keys() {
        return keys;
    }

    /** {@return the included columns} */
    public List<Identifier> included() {
        return include;
    }

    /** {@return the partial-index predicate, if any} */
    public Optional<SqlExpression> predicate() {
        return Optional.ofNullable(where);
    }
}
