package dev.tandem.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session settings every Tandem connection runs with, whatever the role's or database's defaults say. A role's
 * {@code search_path} would change what the backfill's expressions call; its {@code default_transaction_isolation =
 * serializable} would make batches fail with serialization errors; its {@code DateStyle} or {@code TimeZone} would
 * change the text form of keys saved in a cursor. Tandem saves the connection's values, pins these, and puts the saved
 * values back before the connection returns to the pool.
 */
public final class SessionSettings {
    private static final Logger log = LoggerFactory.getLogger(SessionSettings.class);

    private SessionSettings() {}

    /** Tandem's own search path: built-ins only; every other name in Tandem's SQL is schema-qualified. */
    public static final String SEARCH_PATH = "pg_catalog, pg_temp";

    /**
     * {@return the search path of user-supplied statements (raw SQL, the health check): unqualified tables resolve in
     * the default schema, as explain shows them, after the built-ins}
     *
     * @param defaultSchema the schema of unqualified names
     */
    public static String userSearchPath(dev.tandem.plan.Identifier defaultSchema) {
        return "pg_catalog, " + Sql.ident(defaultSchema) + ", pg_temp";
    }

    /** Each setting and the value Tandem's sessions use. */
    static final Map<String, String> PINNED = pinned();

    private static Map<String, String> pinned() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("search_path", SEARCH_PATH);
        m.put("standard_conforming_strings", "on");
        m.put("check_function_bodies", "on");
        m.put("default_transaction_isolation", "read committed");
        m.put("default_transaction_read_only", "off");
        m.put("default_transaction_deferrable", "off");
        m.put("transform_null_equals", "off");
        m.put("row_security", "on");
        m.put("statement_timeout", "0");
        m.put("lock_timeout", "0");
        m.put("idle_in_transaction_session_timeout", "0");
        m.put("TimeZone", "UTC");
        m.put("DateStyle", "ISO, MDY");
        m.put("IntervalStyle", "postgres");
        m.put("extra_float_digits", "1");
        m.put("bytea_output", "hex");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Pins the settings on {@code c} (autocommit, no open transaction) and {@return the values they had}.
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public static Map<String, String> pin(Connection c) throws SQLException {
        Map<String, String> saved = new LinkedHashMap<>();
        StringBuilder read = new StringBuilder("SELECT ");
        StringBuilder write = new StringBuilder("SELECT ");
        int i = 0;
        for (String name : PINNED.keySet()) {
            read.append(i == 0 ? "" : ", ")
                    .append("pg_catalog.current_setting(")
                    .append(Sql.literal(name))
                    .append(')');
            write.append(i == 0 ? "" : ", ")
                    .append("pg_catalog.set_config(")
                    .append(Sql.literal(name))
                    .append(", ")
                    .append(Sql.literal(PINNED.get(name)))
                    .append(", false)");
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement(read.toString());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            int col = 1;
            for (String name : PINNED.keySet()) {
                saved.put(name, rs.getString(col++));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(write.toString())) {
            ps.execute();
        }
        return saved;
    }

    /**
     * Pins the settings for the current transaction only ({@code SET LOCAL}), for read-only work such as explain.
     *
     * @param c the connection, in a transaction
     * @throws SQLException on failure
     */
    public static void pinLocal(Connection c) throws SQLException {
        StringBuilder write = new StringBuilder("SELECT ");
        int i = 0;
        for (Map.Entry<String, String> e : PINNED.entrySet()) {
            write.append(i++ == 0 ? "" : ", ")
                    .append("pg_catalog.set_config(")
                    .append(Sql.literal(e.getKey()))
                    .append(", ")
                    .append(Sql.literal(e.getValue()))
                    .append(", true)");
        }
        try (PreparedStatement ps = c.prepareStatement(write.toString())) {
            ps.execute();
        }
    }

    /**
     * Puts saved values back; never throws (the connection may be gone).
     *
     * @param c the connection
     * @param saved what {@link #pin} returned
     */
    public static void restoreQuietly(Connection c, Map<String, String> saved) {
        if (saved.isEmpty()) {
            return;
        }
        try {
            if (c.isClosed()) {
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            StringBuilder write = new StringBuilder("SELECT ");
            int i = 0;
            for (Map.Entry<String, String> e : saved.entrySet()) {
                write.append(i++ == 0 ? "" : ", ")
                        .append("pg_catalog.set_config(")
                        .append(Sql.literal(e.getKey()))
                        .append(", ")
                        .append(Sql.literal(e.getValue()))
                        .append(", false)");
            }
            try (PreparedStatement ps = c.prepareStatement(write.toString())) {
                ps.execute();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not restore the connection's settings: {}", e.getMessage());
        }
    }

    /**
     * Sets the session-level values a unit run outside a transaction may have changed back to Tandem's; never throws.
     *
     * @param c the connection
     */
    static void repinQuietly(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('lock_timeout', '0', false),"
                + " pg_catalog.set_config('statement_timeout', '0', false),"
                + " pg_catalog.set_config('search_path', " + Sql.literal(SEARCH_PATH) + ", false)")) {
            ps.execute();
        } catch (SQLException e) {
            log.debug("could not reset the session settings: {}", e.getMessage());
        }
    }
}
