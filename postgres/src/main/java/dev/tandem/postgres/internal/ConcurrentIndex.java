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
