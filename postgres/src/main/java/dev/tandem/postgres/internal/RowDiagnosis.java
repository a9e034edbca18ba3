package dev.tandem.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.jspecify.annotations.Nullable;

/**
 * Finds why one row cannot be mapped: evaluates each column's mapping alone for the row, so the report names the
 * column, its type and the value that does not fit, not only PostgreSQL's message.
 */
final class RowDiagnosis {
    private RowDiagnosis() {}

    /**
     * Why a row cannot be mapped.
     *
     * @param direction {@code forward} or {@code backward}
     * @param sqlstate the SQLState, or {@code null}
     * @param reason the column, its type, PostgreSQL's message and the computed value where known
     */
    record Failure(String direction, @Nullable String sqlstate, String reason) {}

    /**
     * Diagnoses a row.
     *
     * @param c the connection; inside a transaction when {@code inTransaction}, each probe then runs in a savepoint
     * @param probes the per-column probes
     * @param key the row's key values as text
     * @param inTransaction whether {@code c} is in a transaction
     * @param cause the failure of the statement that covered the row, reported when no single column fails
     * @return the failure
     * @throws SQLException if the connection fails
     */
    static Failure diagnose(
            Connection c,
            java.util.List<BackfillSql.Probe> probes,
            String[] key,
            boolean inTransaction,
            SQLException cause)
            throws SQLException {
        for (BackfillSql.Probe p : probes) {
            SQLException failed = attempt(c, p.sql(), key, inTransaction);
            if (failed == null) {
                continue;
            }
            String value = value(c, p.valueSql(), key, inTransaction);
            String reason = "column " + p.column().quoted() + (p.type().isEmpty() ? "" : " (" + p.type() + ")") + ": "
                    + SqlStates.serverMessage(failed) + (value == null ? "" : "; computed value " + describe(value));
            return new Failure(p.direction(), SqlStates.of(failed), reason);
        }
        return new Failure("forward", SqlStates.of(cause), SqlStates.serverMessage(cause));
    }

    /** The value as a literal, cut to 100 characters, with its length (what overflowed a varchar). */
    private static String describe(String value) {
        int length = value.codePointCount(0, value.length());
        return Sql.literal(shorten(value)) + " (" + length + (length == 1 ? " character)" : " characters)");
    }

    private static String shorten(String value) {
        String v = value.replace("\0", "");
        return v.length() > 100 ? v.substring(0, 100) + "..." : v;
    }

    private static @Nullable SQLException attempt(Connection c, String sql, String[] key, boolean inTransaction)
            throws SQLException {
        Savepoint sp = inTransaction ? c.setSavepoint() : null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, key);
            ps.execute();
            return null;
        } catch (SQLException e) {
            if (SqlStates.connectionLost(e) || !SqlStates.dataException(e)) {
                throw e;
            }
            return e;
        } finally {
            if (sp != null) {
                c.rollback(sp);
            }
        }
    }

    private static @Nullable String value(Connection c, String sql, String[] key, boolean inTransaction)
            throws SQLException {
        Savepoint sp = inTransaction ? c.setSavepoint() : null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            if (SqlStates.connectionLost(e)) {
                throw e;
            }
            return null;
        } finally {
            if (sp != null) {
                c.rollback(sp);
            }
        }
    }

    private static void bind(PreparedStatement ps, String[] key) throws SQLException {
        for (int i = 0; i < key.length; i++) {
            ps.setString(i + 1, key[i]);
        }
    }

    /**
     * Records the row as unmapped.
     *
     * @param c the connection
     * @param recordRow the statement, binding: sqlstate, reason, direction, key...
     * @param key the key values
     * @param f the failure
     * @throws SQLException on failure
     */
    static void record(Connection c, String recordRow, String[] key, Failure f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(recordRow)) {
            ps.setString(1, f.sqlstate());
            ps.setString(2, f.reason());
            ps.setString(3, f.direction());
            for (int i = 0; i < key.length; i++) {
                ps.setString(4 + i, key[i]);
            }
            ps.executeUpdate();
        }
    }
}
