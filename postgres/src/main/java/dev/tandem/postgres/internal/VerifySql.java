package dev.tandem.postgres.internal;

import java.util.List;

/**
 * The statements of one sync rule's verification, with {@code ?} placeholders for key-range bounds, as in {@link
 * BackfillSql}.
 *
 * @param keyColumns how many key columns each bound binds
 * @param maxKey selects the largest key (as text)
 * @param boundFirst finds the key {@code n} rows into the range, binding: upper..., offset
 * @param boundNext the same after a lower bound, binding: lower..., upper..., offset
 * @param recordFirst records rows the plan's condition rejects that are not yet recorded (no-op without a condition)
 * @param recordNext the same after a lower bound
 * @param checkFirst counts rows checked and inconsistent, and returns up to 20 inconsistent keys
 * @param checkNext the same after a lower bound
 * @param recordErrorFirst records every row of a range as unmapped, binding: sqlstate, reason, upper...
 * @param recordErrorNext the same after a lower bound, binding: sqlstate, reason, lower..., upper...
 * @param pruneUnmapped deletes unmapped records whose row no longer exists
 * @param explained the statements for explain output, in order
 */
public record VerifySql(
        int keyColumns,
        String maxKey,
        String boundFirst,
        String boundNext,
        String recordFirst,
        String recordNext,
        String checkFirst,
        String checkNext,
        String recordErrorFirst,
        String recordErrorNext,
        String pruneUnmapped,
        List<RenderedStatement> explained) {

    /**
     * Copies the list.
     *
     * @param keyColumns key columns
     * @param maxKey max key query
     * @param boundFirst first bound
     * @param boundNext next bound
     * @param recordFirst first record
     * @param recordNext next record
     * @param checkFirst first check
     * @param checkNext next check
     * @param recordErrorFirst first error record
     * @param recordErrorNext next error record
     * @param pruneUnmapped prune statement
     * @param explained explained statements
     */
    public VerifySql {
        explained = List.copyOf(explained);
    }
}
