package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what the renderer and the pre-flight checks need from PostgreSQL's catalog. Read-only. */
public final class Catalog {
    private Catalog() {}

    /**
     * A table as the catalog describes it.
     *
     * @param facts what the renderer needs
     * @param fullTypes every column's type with its modifier ({@code character varying(255)})
     */
    public record Table(TableFacts facts, Map<Identifier, String> fullTypes) {}

    /**
     * {@return the table, or empty if no ordinary or partitioned table has that name}
     *
     * @param c the connection
     * @param table the qualified table
     * @throws SQLException on failure
     */
    public static Optional<Table> table(Connection c, TableName table) throws SQLException {
        long oid;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid ="
                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, table.schemaName().orElseThrow().value());
            ps.setString(2, table.name().value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
            }
        }
        Map<Identifier, String> base = new HashMap<>();
        Map<Identifier, String> full = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname, format_type(atttypid, NULL),"
                + " format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped ORDER BY attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    base.put(Identifier.of(rs.getString(1)), rs.getString(2));
                    full.put(Identifier.of(rs.getString(1)), rs.getString(3));
                }
            }
        }
        List<KeyColumn> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(new KeyColumn(Identifier.of(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return Optional.of(new Table(new TableFacts(table, key, base), full));
    }

    /**
     * {@return the server's version number, such as 170006}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public static int serverVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('server_version_num')::int");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * {@return the value of a server setting}
     *
     * @param c the connection
     * @param name the setting
     * @throws SQLException on failure
     */
    public static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
