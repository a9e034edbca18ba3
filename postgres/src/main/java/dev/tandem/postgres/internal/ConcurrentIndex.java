package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code CREATE INDEX CONCURRENTLY} statement. When such a build fails (a lock timeout while it waits for older
 * transactions, a duplicate key, a cancel) PostgreSQL leaves an INVALID index behind, and every retry then fails with
 * "already exists". The runner drops the leftover before it retries or reports, and checks {@code indisvalid} after a
 * build that reported success ({@code IF NOT EXISTS} happily accepts an invalid leftover).
 *
 * @param schema the schema the index lives in (its table's)
 * @param name the index name
 */
record ConcurrentIndex(Identifier schema, Identifier name) {

    private static final Pattern CREATE = Pattern.compile(
            "^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\\s+ON\\s",
            Pattern.CASE_INSENSITIVE);

    /** {@return the index a statement builds concurrently, if it is such a statement on a known table} */
    static Optional<ConcurrentIndex> of(RenderedStatement statement) {
        Matcher m = CREATE.matcher(statement.sql());
        TableName table = statement.relation();
        if (!m.find() || table == null || table.schema() == null) {
            return Optional.empty();
        }
        String raw = m.group(1);
        Identifier name = raw.startsWith("\"")
                ? Identifier.of(raw.substring(1, raw.length() - 1).replace("\"\"", "\""))
                : Identifier.of(raw.toLowerCase(Locale.ROOT));
        return Optional.of(new ConcurrentIndex(table.schema(), name));
    }

    private static final Pattern REINDEX = Pattern.compile(
            "^\\s*REINDEX\\s*(\\([^)]*\\)\\s*)?(INDEX|TABLE)\\s+CONCURRENTLY\\s", Pattern.CASE_INSENSITIVE);

    /** {@return whether the statement is a {@code REINDEX ... CONCURRENTLY}} */
    static boolean isConcurrentReindex(RenderedStatement statement) {
        return REINDEX.matcher(statement.sql()).find();
    }

    /**
     * Drops the INVALID {@code *_ccnew} / {@code *_ccold} indexes a failed concurrent reindex left on {@code table}.
     *
     * @return the dropped indexes, quoted
     */
    static java.util.List<String> dropReindexLeftovers(Connection c, TableName table) throws SQLException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.quote_ident(n.nspname) || '.' ||"
                + " pg_catalog.quote_ident(x.relname) FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
                // the statement names the table, or (REINDEX INDEX) one of its indexes
                + " WHERE i.indrelid = COALESCE((SELECT j.indrelid FROM pg_catalog.pg_index j"
                + "   WHERE j.indexrelid = pg_catalog.to_regclass(?)), pg_catalog.to_regclass(?)) AND NOT i.indisvalid"
                + " AND x.relname ~ '_cc(new|old)[0-9]*$'")) {
            ps.setString(1, table.quoted());
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + n);
            }
        }
        return names;
    }

    /** {@return whether the index exists, is valid, and belongs to {@code table}} */
    boolean validOn(Connection c, TableName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indisvalid AND i.indrelid = pg_catalog.to_regclass(?)"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace WHERE n.nspname = ? AND x.relname = ?")) {
            ps.setString(1, table.quoted());
            ps.setString(2, schema.value());
            ps.setString(3, name.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** {@return whether the index exists and is INVALID} */
    boolean invalid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT NOT i.indisvalid FROM pg_index i"
                + " JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace n ON n.oid = x.relnamespace"
                + " WHERE n.nspname = ? AND x.relname = ?")) {
            ps.setString(1, schema.value());
            ps.setString(2, name.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Drops the index if it is an INVALID leftover; {@return whether it did} */
    boolean dropIfInvalid(Connection c) throws SQLException {
        if (!invalid(c)) {
            return false;
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Sql.ident(schema) + '.' + Sql.ident(name));
        }
        return true;
    }

    /** {@return the index as PostgreSQL shows it} */
    String quoted() {
        return Sql.ident(schema) + '.' + Sql.ident(name);
    }
}
