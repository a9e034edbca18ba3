package dev.tandem.postgres.internal;

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
 * @param updateFirst fills the new columns of unfilled, mappable rows in the range (fast path, sync trigger off)
 * @param updateNext the same after a lower bound
 * @param recordFirst records rows the plan's condition rejects, or {@code null} without a condition
 * @param recordNext the same after a lower bound
 * @param rowwiseFirst touches unfilled rows so the sync trigger maps each with its own error handling (slow path)
 * @param rowwiseNext the same after a lower bound
 * @param estimate estimates the rows in the table
 * @param nextKey for a single integer key, selects the smallest key above a bound (binding: bound), so batches over a
 *     single integer key take {@code hi = lo + size} without a bound query; {@code null} for other keys
 * @param explained the statements for explain output, in order
 */
public record BackfillSql(
        TableName table,
        int keyColumns,
        String maxKey,
        String boundFirst,
        String boundNext,
        String updateFirst,
        String updateNext,
        @Nullable String recordFirst,
        @Nullable String recordNext,
        String rowwiseFirst,
        String rowwiseNext,
        String estimate,
        @Nullable String nextKey,
        List<RenderedStatement> explained) {

    /**
     * Copies the list.
     *
     * @param table table
     * @param keyColumns key columns
     * @param maxKey max key query
     * @param boundFirst first bound query
     * @param boundNext next bound query
     * @param updateFirst first update
     * @param updateNext next update
     * @param recordFirst first record statement or null
     * @param recordNext next record statement or null
     * @param rowwiseFirst first row-wise update
     * @param rowwiseNext next row-wise update
     * @param estimate row estimate
     * @param nextKey next-key query for integer keys, or null
     * @param explained explained statements
     */
    public BackfillSql {
        explained = List.copyOf(explained);
    }
}
