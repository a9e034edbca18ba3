package dev.tandem.testkit.internal;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The catalog queries of the lock recorder: which locks a session holds, and each table's storage file. */
public final class LockQueries {
    private static final String USER_RELATIONS = " c.relkind IN ('r', 'p', 'm', 'f', 'v')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
            + " AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname <> ALL (?)";

    private static final String LOCKS_OF = "SELECT n.nspname, c.relname, l.mode FROM pg_locks l"
            + " JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE l.locktype = 'relation' AND l.granted"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.pid = PID AND" + USER_RELATIONS + " ORDER BY 1, 2, 3";

    private static final String FILES = "SELECT c.oid::bigint, n.nspname, c.relname, c.relfilenode::bigint"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname <> ALL (?)";

    /**
     * A lock seen in {@code pg_locks}.
     *
     * @param table the relation
     * @param mode its mode
     */
    public record SeenLock(TableName table, LockMode mode) {}

    /**
     * A table's storage.
     *
     * @param table the table
     * @param relfilenode its {@code pg_class.relfilenode}
     */
    public record StorageFile(TableName table, long relfilenode) {}

    private LockQueries() {}

    /**
     * {@return the backend pid of the connection}
     *
     * @param c the connection
     * @throws SQLException if the query fails
     */
    public static int pid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * {@return the granted table locks of the connection's own session}
     *
     * @param c the connection, typically inside the transaction whose locks are wanted
     * @param ignoredSchemas schemas whose relations are left out (Tandem's state schema)
     * @throws SQLException if the query fails
     */
    public static List<SeenLock> ownLocks(Connection c, Set<String> ignoredSchemas) throws SQLException {
        return locks(c, LOCKS_OF.replace("PID", "pg_backend_pid()"), ignoredSchemas, null);
    }

    /**
     * {@return the granted table locks of another session}
     *
     * @param c a connection to the same database
     * @param pid the other session's backend pid
     * @param ignoredSchemas schemas whose relations are left out
     * @throws SQLException if the query fails
     */
    public static List<SeenLock> locksOf(Connection c, int pid, Set<String> ignoredSchemas) throws SQLException {
        return locks(c, LOCKS_OF.replace("PID", "?"), ignoredSchemas, pid);
    }

    private static List<SeenLock> locks(Connection c, String sql, Set<String> ignoredSchemas, @Nullable Integer pid)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (pid != null) {
                ps.setInt(i++, pid);
            }
            Array schemas = c.createArrayOf("text", ignoredSchemas.toArray());
            ps.setArray(i, schemas);
            List<SeenLock> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SeenLock(
                            TableName.of(rs.getString(1), rs.getString(2)), LockMode.fromPgName(rs.getString(3))));
                }
            }
            return out;
        }
    }

    /**
     * {@return every user table's storage file, by table oid}
     *
     * @param c the connection
     * @param ignoredSchemas schemas whose tables are left out
     * @throws SQLException if the query fails
     */
    public static Map<Long, StorageFile> storageFiles(Connection c, Set<String> ignoredSchemas) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FILES)) {
            ps.setArray(1, c.createArrayOf("text", ignoredSchemas.toArray()));
            Map<Long, StorageFile> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getLong(1),
                            new StorageFile(TableName.of(rs.getString(2), rs.getString(3)), rs.getLong(4)));
                }
            }
            return out;
        }
    }

    /**
     * {@return the sequential scans PostgreSQL counts for the connection's backend and has not yet reported to the
     * cumulative statistics, by table oid ({@code pg_stat_xact_user_tables.seq_scan})} A full scan by DDL counts too:
     * an index build, the check of {@code SET NOT NULL} or of a new constraint. The counts may include transactions
     * before the current one whose statistics were not flushed yet; compare two readings with {@link #seqScanned}.
     *
     * @param c the connection
     * @throws SQLException if the query fails
     */
    public static Map<Long, Long> seqScans(Connection c) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT relid::bigint, seq_scan FROM pg_catalog.pg_stat_xact_user_tables WHERE seq_scan > 0");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * {@return the tables that existed before the unit and that it read in a sequential scan, in name order}
     *
     * @param before {@link #seqScans} when the unit started
     * @param after {@link #seqScans} inside the unit's transaction, before commit; a count below the first means the
     *     backend reported its statistics in between, and then the later count is the unit's own
     * @param files the storage files before the unit; tables not in it were created by the unit and are left out
     */
    public static List<TableName> seqScanned(
            Map<Long, Long> before, Map<Long, Long> after, Map<Long, StorageFile> files) {
        List<TableName> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            long earlier = before.getOrDefault(e.getKey(), 0L);
            long scans = e.getValue() >= earlier ? e.getValue() - earlier : e.getValue();
            StorageFile f = files.get(e.getKey());
            if (scans > 0 && f != null) {
                out.add(f.table());
            }
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    /**
     * {@return the tables whose storage file changed between two snapshots, in name order}
     *
     * @param before the earlier snapshot
     * @param after the later snapshot
     */
    public static List<TableName> rewritten(Map<Long, StorageFile> before, Map<Long, StorageFile> after) {
        List<TableName> out = new ArrayList<>();
        for (Map.Entry<Long, StorageFile> e : before.entrySet()) {
            StorageFile now = after.get(e.getKey());
            if (now != null && now.relfilenode() != e.getValue().relfilenode()) {
                out.add(now.table());
            }
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }
}
