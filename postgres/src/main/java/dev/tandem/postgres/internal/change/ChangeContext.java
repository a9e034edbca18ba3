package dev.tandem.postgres.internal.change;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;

/**
 * What every change renderer needs to know about the plan and the executor.
 *
 * @param planId the plan's id
 * @param defaultSchema the schema of unqualified names
 * @param rawSearchPath the search path raw SQL runs with
 */
public record ChangeContext(String planId, Identifier defaultSchema, String rawSearchPath) {

    /**
     * Checks the components.
     *
     * @param planId plan id
     * @param defaultSchema default schema
     * @param rawSearchPath raw search path
     */
    public ChangeContext {
        requireNonNull(planId, "planId");
        requireNonNull(defaultSchema, "defaultSchema");
        requireNonNull(rawSearchPath, "rawSearchPath");
    }

    /**
     * {@return the table qualified with the default schema}
     *
     * @param table a table
     */
    public TableName qualify(TableName table) {
        return table.qualifiedWith(defaultSchema);
    }
}
