package dev.tandem.testkit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The plans of the queries an application version declares must stay fast: which indexes a plan uses, which tables it
 * reads in a sequential scan, and how a later plan lost an index an earlier one used.
 *
 * <p>Plans are asked for with sequential scans discouraged ({@code enable_seqscan = off}), so that the few rows of a
 * test database get the plan a large table would: a sequential scan that remains means no index can serve the query.
 * Queries with {@code $n} parameters are prepared and their generic plan explained.
 */
final class QueryPlans {
    private static final Pattern INDEX_SCAN =
            Pattern.compile("Index (?:Only )?Scan(?: Backward)? using (\\S+) on (\\S+)");
    private static final Pattern BITMAP_INDEX_SCAN = Pattern.compile("Bitmap Index Scan on (\\S+)");
    private static final Pattern SEQ_SCAN = Pattern.compile("(?:Parallel )?Seq Scan on (\\S+)");
    private static final Pattern PARAMETER = Pattern.compile("\\$([0-9]+)");

    /**
     * What one plan does.
     *
     * @param indexes the indexes it uses, each with its table ({@code schema.table})
     * @param seqScans the tables it reads in a sequential scan
     * @param text the plan, one node per line
     */
    record Shape(Map<String, String> indexes, Set<String> seqScans, String text) {}

    private QueryPlans() {}

    /** {@return the plan of {@code sql} as the version's session would get it} */
    static Shape explain(DataSource version, String sql) throws SQLException {
        int parameters = 0;
        Matcher m = PARAMETER.matcher(sql);
        while (m.find()) {
            parameters = Math.max(parameters, Integer.parseInt(m.group(1)));
        }
        List<String> lines = new ArrayList<>();
        try (Connection c = version.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                String explained = sql;
                if (parameters > 0) {
                    s.execute("PREPARE tandem_declared_query AS " + sql);
                    explained = "EXECUTE tandem_declared_query(" + String.join(", ", nulls(parameters)) + ")";
                }
                try (ResultSet rs = s.executeQuery("EXPLAIN (VERBOSE) " + explained)) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
                if (parameters > 0) {
                    // prepared statements outlive the transaction; only ours goes, the driver's own stay
                    try (Statement s = c.createStatement()) {
                        s.execute("DEALLOCATE tandem_declared_query");
                    } catch (SQLException notPrepared) {
                        // PREPARE failed, and its error is the one that counts
                    }
                }
            }
            Map<String, String> indexes = new LinkedHashMap<>();
            Set<String> seqScans = new LinkedHashSet<>();
            for (String line : lines) {
                Matcher scan = INDEX_SCAN.matcher(line);
                if (scan.find()) {
                    indexes.put(scan.group(1), scan.group(2));
                }
                Matcher bitmap = BITMAP_INDEX_SCAN.matcher(line);
                if (bitmap.find()) {
                    indexes.put(bitmap.group(1), tableOf(c, bitmap.group(1)));
                }
                Matcher seq = SEQ_SCAN.matcher(line);
                if (seq.find()) {
                    seqScans.add(seq.group(1));
                }
            }
            return new Shape(indexes, seqScans, String.join("\n", lines));
        }
    }

    /**
     * {@return what a later plan lost of an earlier one: for each index the earlier plan used on a table the later plan
     * reads in a sequential scan, a sentence naming the index and whether it is gone, not valid, or no longer usable}
     * Tables with fewer than {@code minRows} rows are not judged.
     */
    static List<String> lostIndexes(DataSource admin, Shape before, Shape now, long minRows) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = admin.getConnection()) {
            for (Map.Entry<String, String> e : before.indexes().entrySet()) {
                String index = e.getKey();
                String table = e.getValue();
                if (now.indexes().containsKey(index) || !now.seqScans().contains(table)) {
                    continue;
                }
                if (minRows > 0 && !hasRows(c, table, minRows)) {
                    continue;
                }
                out.add("reads " + table + " in a sequential scan where it used index " + index + ", which "
                        + indexState(c, index));
            }
        }
        return out;
    }

    private static List<String> nulls(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("NULL");
        }
        return out;
    }

    private static String tableOf(Connection c, String index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.relname) FROM pg_catalog.pg_class i"
                        + " JOIN pg_catalog.pg_index x ON x.indexrelid = i.oid JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE i.relname = ? LIMIT 1")) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "?";
            }
        }
    }

    private static String indexState(Connection c, String index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT x.indisvalid, pg_catalog.pg_get_indexdef(i.oid)"
                + " FROM pg_catalog.pg_class i JOIN pg_catalog.pg_index x ON x.indexrelid = i.oid"
                + " WHERE i.relname = ? LIMIT 1")) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "is gone (dropped or renamed)";
                }
                return rs.getBoolean(1)
                        ? "still exists but no longer serves the query (" + rs.getString(2)
                                + "; a changed column type, collation or expression?)"
                        : "exists but is not valid (a failed CREATE INDEX CONCURRENTLY?)";
            }
        }
    }

    private static boolean hasRows(Connection c, String table, long minRows) throws SQLException {
        // the name comes from EXPLAIN VERBOSE or quote_ident, quoted where it needs to be
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*) FROM (SELECT 1 FROM " + table + " LIMIT " + minRows + ") r")) {
            return rs.next() && rs.getLong(1) >= minRows;
        }
    }
}
