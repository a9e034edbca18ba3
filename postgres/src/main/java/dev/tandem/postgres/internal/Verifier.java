package dev.tandem.postgres.internal;

import dev.tandem.plan.DualWrite;
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
 * Rows already recorded as unmapped are skipped; rows the plan's condition rejects are recorded. A batch whose
 * comparison fails on a value (the forward expression itself errors) is split in halves down to the failing rows,
 * which are then recorded as unmapped with the database's error.
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
        try (Statement s = c.createStatement()) {
            // recording unmapped rows locks them: never wait on an application's row lock for long
            s.execute("SET lock_timeout = '" + options.batchLockTimeout().toMillis() + "ms'");
            try {
                return check(c, rule, sql, s);
            } finally {
                s.execute("RESET lock_timeout");
            }
        }
    }

    private Result check(Connection c, DualWrite rule, VerifySql sql, Statement s) throws SQLException {
        s.executeUpdate(sql.pruneUnmapped());
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
            long[] counts = check(c, sql, lo, end, options.verifyBatchSize(), sample, rule);
            checked += counts[0];
            inconsistent += counts[1];
            if (last) {
                break;
            }
            lo = end;
        }
        log.debug("{} - {}: {} rows checked, {} inconsistent", planId, rule.id(), checked, inconsistent);
        return new Result(checked, inconsistent, sample);
    }

    private long[] check(
            Connection c,
            VerifySql sql,
            String @Nullable [] lo,
            String[] hi,
            int size,
            List<String> sample,
            DualWrite rule)
            throws SQLException {
        try {
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
                                sample.add(rule.table().name().value() + "(" + k + ")");
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
            if (size <= 1) {
                recordError(c, sql, lo, hi, e);
                return new long[] {1, 0};
            }
            // Split the range in halves to find the rows whose forward mapping fails.
            int half = size / 2;
            String[] mid = Backfiller.bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, hi, half - 1);
            if (mid == null || java.util.Arrays.equals(mid, hi)) {
                recordError(c, sql, lo, hi, e);
                return new long[] {size, 0};
            }
            long[] a = check(c, sql, lo, mid, half, sample, rule);
            long[] b = check(c, sql, mid, hi, size - half, sample, rule);
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }

    private void recordError(Connection c, VerifySql sql, String @Nullable [] lo, String[] hi, SQLException e)
            throws SQLException {
        log.debug(
                "{} - forward mapping fails for keys ({}, {}]: {}",
                planId,
                lo == null ? "start" : String.join(",", lo),
                String.join(",", hi),
                e.getMessage());
        try (PreparedStatement ps = c.prepareStatement(lo == null ? sql.recordErrorFirst() : sql.recordErrorNext())) {
            ps.setString(1, SqlStates.of(e));
            ps.setString(2, String.valueOf(e.getMessage()));
            Backfiller.bind(ps, 3, lo, hi);
            ps.executeUpdate();
        }
    }
}
