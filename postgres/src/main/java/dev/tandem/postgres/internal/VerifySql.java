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
 * @param countFirst counts the rows of a range, binding: upper...
 * @param countNext the same after a lower bound
 * @param fixedFirst deletes the unmapped records of rows in the range that are consistent now
 * @param fixedNext the same after a lower bound
 * @param recordFirst records unfilled rows the plan's condition rejects that are not yet recorded (empty without a
 *     condition)
 * @param recordNext the same after a lower bound
 * @param checkFirst counts rows checked and inconsistent, and returns up to 20 inconsistent keys
 * @param checkNext the same after a lower bound
 * @param recordRow records one row as unmapped, binding: sqlstate, reason, direction, key...
 * @param probes per mapping, a query that evaluates it alone for one row (binding: key...)
 * @param pruneUnmapped deletes unmapped records whose row no longer exists
 * @param explained the statements for explain output, in order
 */
public record VerifySql(
        int keyColumns,
        String maxKey,
        String boundFirst,
        String boundNext,
        String countFirst,
        String countNext,
        String fixedFirst,
        String fixedNext,
        String recordFirst,
        String recordNext,
        String checkFirst,
        String checkNext,
        String recordRow,
        List<BackfillSql.Probe> probes,
        String pruneUnmapped,
        List<RenderedStatement> explained) {

    /**
     * Copies the lists.
     *
     * @param keyColumns key columns
     * @param maxKey max key query
     * @param boundFirst first bound
     * @param boundNext next bound
     * @param countFirst first count
     * @param countNext next count
     * @param fixedFirst first fixed-record delete
     * @param fixedNext next fixed-record delete
     * @param recordFirst first record
     * @param recordNext next record
     * @param checkFirst first check
     * @param checkNext next check
     * @param recordRow single-row record
     * @param probes per-mapping probes
     * @param pruneUnmapped prune statement
     * @param explained explained statements
     */
    public VerifySql {
        probes = List.copyOf(probes);
        explained = List.copyOf(explained);
    }
}
