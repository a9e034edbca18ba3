package dev.tandem.postgres.internal;

import dev.tandem.internal.SqlTokens;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

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

    /** {@return the index a statement builds concurrently, if it is such a statement on a known table} */
    static Optional<ConcurrentIndex> of(RenderedStatement statement) {
        TableName table = statement.relation();
        Identifier schema = table == null ? null : table.schema();
        if (schema == null) {
            return Optional.empty();
        }
        // read as tokens, so that a comment before the statement or between its words changes nothing
        SqlTokens.Cursor c = new SqlTokens.Cursor(SqlTokens.code(statement.sql()));
        if (!c.accept("CREATE")) {
            return Optional.empty();
        }
        c.accept("UNIQUE");
        if (!c.accept("INDEX", "CONCURRENTLY")) {
            return Optional.empty();
        }
        c.accept("IF", "NOT", "EXISTS");
        SqlTokens.Token name = c.next();
        if (name == null
                || !name.isIdentifier()
                || !c.at("ON")
                || name.identifier().isBlank()) {
            // without a name PostgreSQL picks one, which the runner cannot know
            return Optional.empty();
        }
        return Optional.of(new ConcurrentIndex(schema, Identifier.of(name.identifier())));
    }

    /** {@return whether the statement is a {@code REINDEX INDEX|TABLE} that rebuilds concurrently} */
    static boolean isConcurrentReindex(RenderedStatement statement) {
        SqlTokens.Cursor c = new SqlTokens.Cursor(SqlTokens.code(statement.sql()));
        if (!c.accept("REINDEX")) {
            return false;
        }
        boolean concurrently = SqlTokens.enabled(c.options(), "concurrently");
        if (!c.accept("INDEX") && !c.accept("TABLE")) {
            return false;
        }
        return concurrently || c.at("CONCURRENTLY");
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
