package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.DualWrite;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.PostgresOptions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every row's new columns with what the forward mappings give for its old ones, in key-range batches.
 * Rows recorded as unmapped are reported as such, and their records removed once the row is consistent again (a
 * writer fixed it); unfilled rows the plan's condition rejects are recorded. A batch whose comparison fails on a
 * value (an expression itself errors) is split in halves down to the failing rows, which are recorded as unmapped
 * with the failing column and the database's error. Verification takes no row locks.
 */
public final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final String planId;
    private final PostgresOptions options;

    /**
     * Creates a verifier.
     *
     * @param planId the plan's id
     * @param options the options
     */
    public Verifier(String planId, PostgresOptions options) {
        this.planId = planId;
        this.options = options;
    }

    /**
     * The result for one sync rule.
     *
     * @param checked rows compared
     * @param inconsistent rows whose new side differs
     * @param sample up to 20 inconsistent keys
     */
    public record Result(long checked, long inconsistent, List<String> sample) {}

    /**
     * Verifies one rule.
     *
     * @param c the connection, autocommit
     * @param rule the rule
     * @param sql its statements
     * @return the counts
     * @throws SQLException on failure
     */
    public Result run(Connection c, DualWrite rule, VerifySql sql) throws SQLException {
        return run(c, rule.id(), rule.table(), sql);
    }

    /**
     * Verifies the rows of one table by the given statements.
     *
     * @param c the connection, autocommit
     * @param id the step that is verified
     * @param table the table whose keys the statements range over, for the sample
     * @param sql the statements
     * @return the counts
     * @throws SQLException on failure
     */
    public Result run(Connection c, StepId id, TableName table, VerifySql sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            // reads take ACCESS SHARE only; never queue for long behind someone else's ACCESS EXCLUSIVE request
            s.execute("SELECT pg_catalog.set_config('lock_timeout', '"
                    + options.batchLockTimeout().toMillis() + "ms', false)");
            try {
                return check(c, id, table, sql, s);
            } finally {
                SessionSettings.repinQuietly(c);
            }
        }
    }

    private Result check(Connection c, StepId id, TableName table, VerifySql sql, Statement s) throws SQLException {
        if (!sql.pruneUnmapped().isEmpty()) {
            s.executeUpdate(sql.pruneUnmapped());
        }
        String[] upper = Backfiller.maxKey(c, sql.maxKey());
        if (upper == null) {
            return new Result(0, 0, List.of());
        }
        long checked = 0;
        long inconsistent = 0;
        List<String> sample = new ArrayList<>();
        String @Nullable [] lo = null;
        while (true) {
            String[] hi = Backfiller.bound(
                    c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, upper, options.verifyBatchSize() - 1);
            boolean last = hi == null;
            String[] end = hi == null ? upper : hi;
            long[] counts = check(c, sql, lo, end, sample, table);
            checked += counts[0];
            inconsistent += counts[1];
            if (last) {
                break;
            }
            lo = end;
        }
        log.debug("{} - {}: {} rows checked, {} inconsistent", planId, id, checked, inconsistent);
        return new Result(checked, inconsistent, sample);
    }

    /** One range: forget records of fixed rows, record rejected rows, compare. Splits the range on a value error. */
    private long[] check(
            Connection c, VerifySql sql, String @Nullable [] lo, String[] hi, List<String> sample, TableName table)
            throws SQLException {
        try {
            String fixed = lo == null ? sql.fixedFirst() : sql.fixedNext();
            if (!fixed.isEmpty()) {
                Backfiller.update(c, fixed, lo, hi);
            }
            String record = lo == null ? sql.recordFirst() : sql.recordNext();
            if (!record.isEmpty()) {
                Backfiller.update(c, record, lo, hi);
            }
            try (PreparedStatement ps = c.prepareStatement(lo == null ? sql.checkFirst() : sql.checkNext())) {
                Backfiller.bind(ps, 1, lo, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long checked = rs.getLong(1);
                    long bad = rs.getLong(2);
                    Array keys = rs.getArray(3);
                    if (keys != null) {
                        for (Object k : (Object[]) keys.getArray()) {
                            if (sample.size() < 20) {
                                sample.add(table.name().value() + "(" + k + ")");
                            }
                        }
                    }
                    return new long[] {checked, bad};
                }
            }
        } catch (SQLException e) {
            if (!SqlStates.dataException(e)) {
                throw e;
            }
            // An expression itself fails on a row (a failed cast): split the range in halves down to such rows.
            long n = Backfiller.count(c, lo == null ? sql.countFirst() : sql.countNext(), lo, hi);
            if (n <= 1) {
                if (n == 1) {
                    String[] key = requireNonNull(
                            Backfiller.bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, hi, 0), "key");
                    RowDiagnosis.Failure f = RowDiagnosis.diagnose(c, sql.probes(), key, false, e);
                    RowDiagnosis.record(c, sql.recordRow(), key, f);
                    log.debug("{} - row {} cannot be mapped: {}", planId, String.join(",", key), f.reason());
                }
                return new long[] {n, 0};
            }
            String[] mid = requireNonNull(
                    Backfiller.bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, hi, (int) (n / 2) - 1),
                    "mid");
            long[] a = check(c, sql, lo, mid, sample, table);
            long[] b = check(c, sql, mid, hi, sample, table);
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }
}
