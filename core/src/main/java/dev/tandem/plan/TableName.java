package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A table, optionally qualified by its schema. Without a schema the executor resolves the table in its configured
 * default schema (see {@code PostgresOptions.defaultSchema}), never through the connection's {@code search_path}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param schema the schema, or {@code null} for the executor's default schema
 * @param name the table name
 */
public record TableName(@Nullable Identifier schema, Identifier name) {

    /**
     * Checks the components.
     *
     * @param schema the schema, or {@code null}
     * @param name the table name
     */
    public TableName {
        requireNonNull(name, "name");
    }

    /**
     * {@return an unqualified table name}
     *
     * @param name the table name, case-sensitive
     * @throws IllegalArgumentException if {@code name} is not a valid identifier
     */
    public static TableName of(String name) {
        return new TableName(null, Identifier.of(name));
    }

    /**
     * {@return a schema-qualified table name}
     *
     * @param schema the schema name, case-sensitive
     * @param name the table name, case-sensitive
     * @throws IllegalArgumentException if either is not a valid identifier
     */
    public static TableName of(String schema, String name) {
        return new TableName(Identifier.of(schema), Identifier.of(name));
    }

    /** {@return the schema, if this name is qualified} */
    public Optional<Identifier> schemaName() {
        return Optional.ofNullable(schema);
    }

    /**
     * {@return this table qualified with {@code defaultSchema} unless it already names a schema}
     *
     * @param defaultSchema the schema to use when this name has none
     */
    public TableName qualifiedWith(Identifier defaultSchema) {
        requireNonNull(defaultSchema, "defaultSchema");
        return schema != null ? this : new TableName(defaultSchema, name);
    }

    /** {@return the name as PostgreSQL shows it in messages, for example {@code "public"."customers"}} */
    public String quoted() {
        return schema == null ? name.quoted() : schema.quoted() + '.' + name.quoted();
    }

    @Override
    public String toString() {
        return schema == null ? name.value() : schema.value() + '.' + name.value();
    }
}
