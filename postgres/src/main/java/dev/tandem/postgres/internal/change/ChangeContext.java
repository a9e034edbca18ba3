package dev.tandem.postgres.internal.change;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.internal.TableFacts;
import java.util.Map;
import java.util.Optional;

/**
 * What every change renderer needs to know about the plan and the executor, and the catalog facts of the plan's tables
 * when the caller read them (a change that carries what a column has over needs them).
 *
 * @param planId the plan's id
 * @param defaultSchema the schema of unqualified names
 * @param rawSearchPath the search path raw SQL runs with
 * @param facts catalog facts per qualified table, possibly none
 */
public record ChangeContext(
        String planId,
        Identifier stateSchema,
        Identifier defaultSchema,
        String rawSearchPath,
        Map<TableName, TableFacts> facts) {

    /**
     * Checks the components.
     *
     * @param planId plan id
     * @param stateSchema Tandem's state schema
     * @param defaultSchema default schema
     * @param rawSearchPath raw search path
     * @param facts facts
     */
    public ChangeContext {
        requireNonNull(planId, "planId");
        requireNonNull(stateSchema, "stateSchema");
        requireNonNull(defaultSchema, "defaultSchema");
        requireNonNull(rawSearchPath, "rawSearchPath");
        facts = Map.copyOf(facts);
    }

    /**
     * A context without catalog facts.
     *
     * @param planId plan id
     * @param stateSchema Tandem's state schema
     * @param defaultSchema default schema
     * @param rawSearchPath raw search path
     */
    public ChangeContext(String planId, Identifier stateSchema, Identifier defaultSchema, String rawSearchPath) {
        this(planId, stateSchema, defaultSchema, rawSearchPath, Map.of());
    }

    /**
     * {@return this context with these catalog facts}
     *
     * @param facts facts per qualified table
     */
    public ChangeContext withFacts(Map<TableName, TableFacts> facts) {
        return new ChangeContext(planId, stateSchema, defaultSchema, rawSearchPath, facts);
    }

    /**
     * {@return the table qualified with the default schema}
     *
     * @param table a table
     */
    public TableName qualify(TableName table) {
        return table.qualifiedWith(defaultSchema);
    }

    /**
     * {@return the facts of a table, if read}
     *
     * @param table a table, qualified or not
     */
    public Optional<TableFacts> factsOf(TableName table) {
        return Optional.ofNullable(facts.get(qualify(table)));
    }
}
