package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements of one backfill, with {@code ?} placeholders for key-range bounds. Every range statement exists in a
 * "first" variant (no lower bound) and a "next" variant ({@code key > lower}); both bind the upper bound last.
 *
 * @param table the schema-qualified table
 * @param keyColumns how many key columns each bound binds
 * @param maxKey selects the largest key (as text), the fixed upper bound taken once the sync trigger exists
 * @param boundFirst finds the key {@code n} rows into the range, binding: upper..., offset
 * @param boundNext the same after a lower bound, binding: lower..., upper..., offset
 * @param countFirst counts the rows of a range, binding: upper...
 * @param countNext the same after a lower bound
 * @param updateFirst fills the new columns of unfilled, mappable rows in the range (sync trigger off)
 * @param updateNext the same after a lower bound
 * @param recordFirst records rows the plan's condition rejects, or {@code null} without a condition
 * @param recordNext the same after a lower bound
 * @param recordRow records one row as unmapped, binding: sqlstate, reason, direction, key...
 * @param probes per target column, a statement that evaluates its mapping alone for one row (binding: key...)
 * @param estimate estimates the rows in the table
 * @param nextKey for a single integer key, selects the smallest key above a bound (binding: bound), so batches over a
 *     single integer key take {@code hi = lo + size} without a bound query; {@code null} for other keys
 * @param appTriggers lists the enabled application triggers the backfill's UPDATE would fire (name, tgenabled),
 *     binding: the new columns' names as a text array
 * @param explained the statements for explain output, in order
 */
public record BackfillSql(
        TableName table,
        int keyColumns,
        String maxKey,
        String boundFirst,
        String boundNext,
        String countFirst,
        String countNext,
        String updateFirst,
        String updateNext,
        @Nullable String recordFirst,
        @Nullable String recordNext,
        String recordRow,
        List<Probe> probes,
        String estimate,
        @Nullable String nextKey,
        String appTriggers,
        List<RenderedStatement> explained) {

    /**
     * One column's mapping, evaluated alone for one row, to name the column a failure comes from.
     *
     * @param direction {@code forward} or {@code backward}
     * @param column the target column
     * @param type its type with modifier
     * @param sql the statement, binding the row's key values
     * @param valueSql selects the mapping's value as text for the row, binding its key values
     */
    public record Probe(String direction, Identifier column, String type, String sql, String valueSql) {}

    /**
     * Copies the lists.
     *
     * @param table table
     * @param keyColumns key columns
     * @param maxKey max key query
     * @param boundFirst first bound query
     * @param boundNext next bound query
     * @param countFirst first count query
     * @param countNext next count query
     * @param updateFirst first update
     * @param updateNext next update
     * @param recordFirst first record statement or null
     * @param recordNext next record statement or null
     * @param recordRow single-row record statement
     * @param probes per-column probes
     * @param estimate row estimate
     * @param nextKey next-key query for integer keys, or null
     * @param appTriggers application trigger query
     * @param explained explained statements
     */
    public BackfillSql {
        probes = List.copyOf(probes);
        explained = List.copyOf(explained);
    }
}
