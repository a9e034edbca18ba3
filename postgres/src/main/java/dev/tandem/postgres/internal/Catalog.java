package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

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
        long owner;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, c.relowner FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, table.schemaName().orElseThrow().value());
            ps.setString(2, table.name().value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                owner = rs.getLong(2);
            }
        }
        Set<String> volatileBuiltins = volatileBuiltins(c);
        Map<Identifier, ColumnFacts> columns = new LinkedHashMap<>();
        Map<Identifier, String> full = new LinkedHashMap<>();
        // Defaults are printed with the session's search_path, which Tandem pins to pg_catalog: every other name in
        // them comes out schema-qualified, so the sync trigger can evaluate them exactly as the column would.
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, pg_catalog.format_type(a.atttypid, NULL),"
                + " pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,"
                + " EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_proc p ON p.oid = dep.refobjid"
                + "   WHERE dep.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND dep.objid = d.oid"
                + "   AND dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.provolatile = 'v'),"
                + " a.attidentity::text, a.attgenerated::text,"
                + " (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)"
                + "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + "   JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid"
                + "   WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation)"
                + " FROM pg_catalog.pg_attribute a"
                + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Identifier name = Identifier.of(rs.getString(1));
                    String defaultSql = rs.getString(5);
                    boolean volatileDefault =
                            defaultSql != null && (rs.getBoolean(6) || callsAny(defaultSql, volatileBuiltins));
                    columns.put(
                            name,
                            new ColumnFacts(
                                    name,
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getBoolean(4),
                                    defaultSql,
                                    volatileDefault,
                                    flag(rs.getString(7)),
                                    flag(rs.getString(8)),
                                    rs.getString(9)));
                    full.put(name, rs.getString(3));
                }
            }
        }
        List<KeyColumn> key = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)"
                        + " FROM pg_catalog.pg_index i CROSS JOIN LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                        + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(new KeyColumn(Identifier.of(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return Optional.of(
                new Table(new TableFacts(table, key, columns, owner, indexes(c, oid), constraints(c, oid)), full));
    }

    private static List<IndexFacts> indexes(Connection c, long table) throws SQLException {
        List<IndexFacts> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT x.relname, i.indisunique, i.indisprimary, con.conname,"
                + " ARRAY(SELECT a.attname FROM pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                + "   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + "   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[],"
                + " i.indpred IS NOT NULL, i.indexprs IS NOT NULL OR 0 = ANY (i.indkey::int2[]), am.amname,"
                // what follows the first key column's name: its operator class unless the default, its collation
                // unless the column's, its order
                + " (SELECT CASE WHEN opc.opcdefault THEN '' ELSE ' ' || CASE WHEN opc.opcnamespace ="
                + "   'pg_catalog'::pg_catalog.regnamespace THEN '' ELSE pg_catalog.quote_ident(ns.nspname) || '.' END"
                + "   || pg_catalog.quote_ident(opc.opcname) END FROM pg_catalog.pg_opclass opc"
                + "   JOIN pg_catalog.pg_namespace ns ON ns.oid = opc.opcnamespace WHERE opc.oid = i.indclass[0])"
                + " || COALESCE((SELECT CASE WHEN i.indcollation[0] = 0 OR i.indcollation[0] = a.attcollation THEN ''"
                + "   ELSE ' COLLATE ' || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)"
                + "   END FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[0]"
                + "   LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + "   WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]), '')"
                + " || CASE WHEN (i.indoption[0] & 1) <> 0 THEN ' DESC' || CASE WHEN (i.indoption[0] & 2) = 0"
                + "   THEN ' NULLS LAST' ELSE '' END WHEN (i.indoption[0] & 2) <> 0 THEN ' NULLS FIRST' ELSE '' END"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_am am ON am.oid = x.relam"
                + " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
                + "   AND con.contype IN ('p', 'u', 'x')"
                + " WHERE i.indrelid = ? ORDER BY x.relname")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Identifier> cols = new ArrayList<>();
                    for (Object o : (Object[]) rs.getArray(5).getArray()) {
                        cols.add(Identifier.of(String.valueOf(o)));
                    }
                    String constraint = rs.getString(4);
                    out.add(new IndexFacts(
                            Identifier.of(rs.getString(1)),
                            rs.getBoolean(2),
                            rs.getBoolean(3),
                            constraint == null ? null : Identifier.of(constraint),
                            cols,
                            rs.getBoolean(6),
                            rs.getBoolean(7),
                            rs.getString(8),
                            String.valueOf(rs.getString(9) == null ? "" : rs.getString(9))));
                }
            }
        }
        return out;
    }

    /** The table's checks and foreign keys, and the foreign keys of other tables that reference it. */
    private static List<ConstraintFacts> constraints(Connection c, long table) throws SQLException {
        List<ConstraintFacts> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT con.conname, con.contype = 'f', n.nspname, r.relname,"
                + " pg_catalog.pg_get_constraintdef(con.oid),"
                + " ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)"
                + "   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
                + "   ORDER BY k.ord)::text[],"
                + " CASE WHEN con.confrelid = ? THEN ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.confkey)"
                + "   WITH ORDINALITY AS k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid"
                + "   AND a.attnum = k.attnum ORDER BY k.ord)::text[] ELSE '{}'::text[] END"
                + " FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class r ON r.oid = con.conrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE (con.conrelid = ? AND con.contype IN ('c', 'f')) OR (con.confrelid = ? AND con.contype = 'f')"
                + " ORDER BY con.conname")) {
            ps.setLong(1, table);
            ps.setLong(2, table);
            ps.setLong(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ConstraintFacts(
                            Identifier.of(rs.getString(1)),
                            rs.getBoolean(2),
                            TableName.of(rs.getString(3), rs.getString(4)),
                            rs.getString(5),
                            identifiers(rs.getArray(6)),
                            identifiers(rs.getArray(7))));
                }
            }
        }
        return out;
    }

    private static List<Identifier> identifiers(java.sql.Array array) throws SQLException {
        List<Identifier> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(Identifier.of(String.valueOf(o)));
        }
        return out;
    }

    private static char flag(@Nullable String value) {
        return value == null || value.isEmpty() ? ' ' : value.charAt(0);
    }

    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*)\\s*\\(");

    /** Whether the expression text calls one of the named functions (built-ins are not in pg_depend). */
    static boolean callsAny(String expression, Set<String> functions) {
        Matcher m = CALL.matcher(expression);
        while (m.find()) {
            if (functions.contains(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return the names of pg_catalog's volatile functions, which a default's text may call unqualified}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    static Set<String> volatileBuiltins(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT proname FROM pg_catalog.pg_proc"
                        + " WHERE pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND provolatile = 'v'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static final String DEPENDENTS = "SELECT CASE"
            // a view's rule is the view; a generated column's expression is the column
            + "   WHEN d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN (SELECT"
            + "     pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, w.ev_class, 0)"
            + "     FROM pg_catalog.pg_rewrite w WHERE w.oid = d.objid)"
            + "   WHEN d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT 'generated column '"
            + "     || pg_catalog.quote_ident(g.attname) || ' of ' || ad.adrelid::pg_catalog.regclass::text"
            + "     FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_attribute g ON g.attrelid = ad.adrelid"
            + "     AND g.attnum = ad.adnum WHERE ad.oid = d.objid AND g.attgenerated <> '')"
            + "   END,"
            + " pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid),"
            + " d.deptype::text, d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass"
            + "   AND (SELECT tg.tgname FROM pg_catalog.pg_trigger tg WHERE tg.oid = d.objid) = ANY (?::text[]),"
            + " d.classid, d.objid"
            + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid"
            + "   AND a.attnum = d.refobjsubid"
            + " WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
            + "   AND d.refobjid = pg_catalog.to_regclass(?) AND a.attname = ? AND d.deptype IN ('n', 'a', 'i')";

    /**
     * {@return the objects that make {@code DROP COLUMN} (without CASCADE) fail: views, generated columns, foreign keys
     * from other tables, triggers, policies; each as PostgreSQL describes it}
     *
     * @param c the connection
     * @param table the table
     * @param column the column
     * @param ignoredTriggers triggers to leave out (Tandem's own, which contract drops first)
     * @throws SQLException on failure
     */
    public static List<String> blockingDependents(
            Connection c, TableName table, Identifier column, Set<String> ignoredTriggers) throws SQLException {
        return dependents(c, table, column, ignoredTriggers, true);
    }

    /**
     * {@return the objects {@code DROP COLUMN} drops along with the column: indexes and constraints on it}
     *
     * @param c the connection
     * @param table the table
     * @param column the column
     * @throws SQLException on failure
     */
    public static List<String> autoDependents(Connection c, TableName table, Identifier column) throws SQLException {
        return dependents(c, table, column, Set.of(), false);
    }

    private static List<String> dependents(
            Connection c, TableName table, Identifier column, Set<String> ignoredTriggers, boolean blocking)
            throws SQLException {
        // An object with an automatic or internal dependency on the column is dropped with it; one that only has a
        // normal dependency makes the drop fail.
        Map<String, Set<String>> kinds = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(DEPENDENTS)) {
            ps.setArray(1, c.createArrayOf("text", ignoredTriggers.toArray()));
            ps.setString(2, table.quoted());
            ps.setString(3, column.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(4)) {
                        continue;
                    }
                    String what = rs.getString(1) != null ? rs.getString(1) : rs.getString(2);
                    kinds.computeIfAbsent(what, k -> new HashSet<>()).add(rs.getString(3));
                }
            }
        }
        List<String> out = new ArrayList<>();
        kinds.forEach((what, types) -> {
            boolean auto = types.contains("a") || types.contains("i");
            if (blocking != auto) {
                out.add(what);
            }
        });
        return out;
    }

    /**
     * {@return the CHECK and FOREIGN KEY constraints that involve the column (on the table, or from other tables that
     * reference it), each as PostgreSQL describes it}
     *
     * @param c the connection
     * @param table the table
     * @param column the column
     * @throws SQLException on failure
     */
    public static List<String> constraintsOn(Connection c, TableName table, Identifier column) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_describe_object("
                + "'pg_catalog.pg_constraint'::pg_catalog.regclass, con.oid, 0) FROM pg_catalog.pg_constraint con,"
                + " pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attname = ?"
                + " AND ((con.conrelid = a.attrelid AND a.attnum = ANY (con.conkey) AND con.contype IN ('c', 'f'))"
                + "   OR (con.confrelid = a.attrelid AND a.attnum = ANY (con.confkey) AND con.contype = 'f'))"
                + " ORDER BY 1")) {
            ps.setString(1, table.quoted());
            ps.setString(2, column.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
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
