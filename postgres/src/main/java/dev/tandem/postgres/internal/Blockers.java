package dev.tandem.postgres.internal;

import dev.tandem.LockNotAcquiredException.BlockingSession;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Finds the sessions holding locks that conflict with a lock Tandem wants. */
public final class Blockers {
    private Blockers() {}

    /**
     * {@return the sessions holding a lock on {@code table} that conflicts with {@code wanted}, oldest transaction
     * first}
     *
     * @param c a connection with no open transaction holding locks on the table
     * @param table the table
     * @param wanted the lock Tandem wants
     * @throws SQLException on failure
     */
    public static List<BlockingSession> on(Connection c, TableName table, LockMode wanted) throws SQLException {
        List<String> modes = new ArrayList<>();
        for (LockMode m : wanted.conflicts()) {
            modes.add(m.pgName());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT a.pid, coalesce(a.state, ''),"
                + " CASE WHEN a.xact_start IS NULL THEN -1"
                + " ELSE (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint END,"
                + " l.mode, left(coalesce(a.query, ''), 200), coalesce(a.application_name, '')"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'relation' AND l.granted AND l.relation = to_regclass(?)"
                + " AND l.pid <> pg_backend_pid() AND l.mode = ANY (?)"
                + " ORDER BY a.xact_start NULLS LAST, a.pid")) {
            ps.setString(1, table.quoted());
            ps.setArray(2, c.createArrayOf("text", modes.toArray()));
            return sessions(ps);
        }
    }

    /**
     * {@return the sessions holding Tandem's advisory lock for a plan}
     *
     * @param c a connection
     * @param key1 the lock's first key
     * @param key2 the lock's second key
     * @throws SQLException on failure
     */
    public static List<BlockingSession> advisory(Connection c, int key1, int key2) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.pid, coalesce(a.state, ''),"
                        + " CASE WHEN a.xact_start IS NULL THEN -1"
                        + " ELSE (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint END,"
                        + " l.mode, left(coalesce(a.query, ''), 200), coalesce(a.application_name, '')"
                        + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(key1));
            ps.setLong(2, Integer.toUnsignedLong(key2));
            return sessions(ps);
        }
    }

    /** Reads rows of (pid, state, age ms, mode, query, application) into sessions. */
    private static List<BlockingSession> sessions(PreparedStatement ps) throws SQLException {
        List<BlockingSession> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new BlockingSession(
                        rs.getInt(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5).replaceAll("\\s+", " ").strip(),
                        rs.getString(6)));
            }
        }
        return out;
    }
}
