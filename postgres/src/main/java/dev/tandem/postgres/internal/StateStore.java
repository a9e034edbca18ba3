package dev.tandem.postgres.internal;

import dev.tandem.ErrorCode;
import dev.tandem.PlanStateException;
import dev.tandem.plan.Identifier;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.UnmappedRow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes Tandem's state tables. Every method runs on the connection it is given, inside whatever transaction
 * that connection has open, so callers decide what commits together (a batch and its cursor, a DDL unit and its
 * step markers).
 */
public final class StateStore {

    private final Identifier schema;

    /**
     * Creates a store over the state schema.
     *
     * @param schema the state schema
     */
    public StateStore(Identifier schema) {
        this.schema = schema;
    }

    private String t(String table) {
        return Sql.ident(schema) + '.' + Sql.ident(table);
    }

    /**
     * The stored row of a plan.
     *
     * @param planId the plan's id
     * @param checksum the stored checksum
     * @param state the state
     * @param updatedAt last change
     * @param inconsistentRows rows found inconsistent by the last verification, or -1
     * @param lastError the last failure, or {@code null}
     * @param forcedContractReason the reason contract was forced with, or {@code null}
     * @param canonicalForm the plan's canonical text when it started
     */
    public record PlanRow(
            String planId,
            String checksum,
            PlanState state,
            Instant updatedAt,
            long inconsistentRows,
            @Nullable String lastError,
            @Nullable String forcedContractReason,
            String canonicalForm) {}

    /**
     * The layout version of the state tables this release writes. Version 1 is the layout of the releases before the
     * tables were versioned (they have no {@code schema_version} table); each later version is one entry of
     * {@link PostgresRenderer#stateSchemaUpgrades()}.
     */
    public static final int SCHEMA_VERSION = 2;

    /**
     * {@return the layout version of the state tables: 0 if they do not exist, 1 if they predate versioning}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public int version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, t("schema_version"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return exists(c) ? 1 : 0;
                }
            }
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 1) FROM " + t("schema_version"))) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Throws if a newer Tandem release wrote the state tables, whose layout this one cannot know.
     *
     * @param c the connection
     * @param planId the plan this is for, or a placeholder
     * @throws SQLException on failure
     */
    public void requireReadable(Connection c, String planId) throws SQLException {
        int v = version(c);
        if (v > SCHEMA_VERSION) {
            throw newer(planId, v);
        }
    }

    private PlanStateException newer(String planId, int version) {
        return new PlanStateException(
                ErrorCode.STATE_SCHEMA_NEWER,
                planId,
                "Tandem's state tables in schema " + Sql.ident(schema) + " are at layout version " + version
                        + ", written by a newer Tandem release; this one knows layouts up to " + SCHEMA_VERSION
                        + ". Run this database's plans with that release or a later one (every runner of a database"
                        + " must be at least as new as the newest that ran). Nothing was changed.");
    }

    /**
     * Creates the state schema and tables if they do not exist, and upgrades tables an earlier Tandem release created
     * to {@link #SCHEMA_VERSION}.
     *
     * @param c the connection (autocommit)
     * @param ddl the statements from {@link PostgresRenderer#stateSchemaDdl()}
     * @param upgrades the statements of each version after 1, from {@link PostgresRenderer#stateSchemaUpgrades()}
     * @param planId the plan this runs for, for messages
     * @throws SQLException on failure
     * @throws PlanStateException if a newer Tandem release wrote the tables
     */
    public void ensureSchema(Connection c, List<String> ddl, List<List<String>> upgrades, String planId)
            throws SQLException {
        int found = version(c);
        if (found == SCHEMA_VERSION && complete(c)) {
            return;
        }
        if (found > SCHEMA_VERSION) {
            throw newer(planId, found);
        }
        // One transaction: another session sees all of the state tables, at one version, or none. Runners of different
        // plans may create the schema at the same moment; a transaction-level advisory lock lets one of them do it, and
        // the others find it done (CREATE ... IF NOT EXISTS alone races on the catalog's unique indexes).
        Transactions.run(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(?, ?)")) {
                ps.setInt(1, AdvisoryLock.NAMESPACE);
                ps.setInt(2, AdvisoryLock.key("\0state-schema\0" + schema.value()));
                ps.execute();
            }
            int version = version(c);
            if (version > SCHEMA_VERSION) {
                throw newer(planId, version);
            }
            if (version == SCHEMA_VERSION && complete(c)) {
                return;
            }
            try (Statement s = c.createStatement()) {
                // version 1, also tables an earlier Tandem created: every statement is CREATE ... IF NOT EXISTS
                for (String sql : ddl) {
                    s.execute(sql);
                }
                for (int v = Math.max(version, 1) + 1; v <= SCHEMA_VERSION; v++) {
                    for (String sql : upgrades.get(v - 2)) {
                        s.execute(sql);
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t("schema_version")
                            + " (version, tandem_version) VALUES (?, ?) ON CONFLICT (version) DO NOTHING")) {
                        ps.setInt(1, v);
                        ps.setString(2, release());
                        ps.executeUpdate();
                    }
                }
            }
            revokeInheritedGrants(c);
        });
    }

    /** {@return this Tandem's version, from its jar's manifest, or {@code development} when run from classes} */
    private static String release() {
        String v = StateStore.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /**
     * {@return every stored plan's row, by id}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public List<PlanRow> all(Connection c) throws SQLException {
        if (!exists(c)) {
            return List.of();
        }
        List<PlanRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT plan_id, checksum, state, updated_at, inconsistent_rows,"
                        + " last_error, forced_contract_reason, canonical_form FROM " + t("plans")
                        + " ORDER BY plan_id")) {
            while (rs.next()) {
                rows.add(new PlanRow(
                        rs.getString(1),
                        rs.getString(2),
                        PlanState.valueOf(rs.getString(3)),
                        rs.getTimestamp(4).toInstant(),
                        rs.getLong(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)));
            }
        }
        return rows;
    }

    /**
     * Default privileges ({@code ALTER DEFAULT PRIVILEGES ... GRANT ... TO app}) may have granted application roles
     * rights on the new state tables: take every grant away but the owner's. Tandem's state is written by Tandem, and by
     * writers only through the per-rule recording functions.
     */
    private void revokeInheritedGrants(Connection c) throws SQLException {
        List<String> revokes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE"
                + " 'TABLE' END, pg_catalog.quote_ident(c.relname), CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE"
                + " pg_catalog.quote_ident(r.rolname) END FROM pg_catalog.pg_class c"
                + " CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a"
                + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
                + " WHERE c.relnamespace = pg_catalog.to_regnamespace(?) AND a.grantee <> c.relowner")) {
            ps.setString(1, Sql.ident(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    revokes.add("REVOKE ALL ON " + rs.getString(1) + " " + Sql.ident(schema) + "." + rs.getString(2)
                            + " FROM " + rs.getString(3));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String r : revokes) {
                s.execute(r);
            }
        }
    }

    /** {@return whether every state table exists, including those an earlier Tandem release did not create} */
    private boolean complete(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, t("saved")); // the last table the DDL creates
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) && exists(c);
            }
        }
    }

    /**
     * {@return whether the state tables exist}
     *
     * @param c the connection
     * @throws SQLException on failure
     */
    public boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL")) {
            ps.setString(1, t("events"));
            ps.setString(2, t("plans"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * {@return the plan's row, if it ever started}
     *
     * @param c the connection
     * @param planId the plan's id
     * @throws SQLException on failure
     */
    public Optional<PlanRow> find(Connection c, String planId) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT plan_id, checksum, state, updated_at, inconsistent_rows,"
                + " last_error, forced_contract_reason, canonical_form FROM " + t("plans") + " WHERE plan_id = ?")) {
            ps.setString(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PlanRow(
                        rs.getString(1),
                        rs.getString(2),
                        PlanState.valueOf(rs.getString(3)),
                        rs.getTimestamp(4).toInstant(),
                        rs.getLong(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)));
            }
        }
    }

    /**
     * Inserts the plan's row, or resets a rolled-back one for a fresh start.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param checksum its checksum
     * @param description its description
     * @param canonicalForm its canonical text
     * @param state the initial state
     * @throws SQLException on failure
     */
    public void start(
            Connection c, String planId, String checksum, String description, String canonicalForm, PlanState state)
            throws SQLException {
        inTransaction(c, () -> {
            insertPlan(c, planId, checksum, description, canonicalForm, state);
        });
    }

    private void insertPlan(
            Connection c, String planId, String checksum, String description, String canonicalForm, PlanState state)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t("plans")
                + " (plan_id, checksum, description, state, canonical_form) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (plan_id) DO UPDATE SET checksum = EXCLUDED.checksum, description = EXCLUDED.description,"
                + " state = EXCLUDED.state, canonical_form = EXCLUDED.canonical_form, updated_at = now(),"
                + " inconsistent_rows = -1, last_error = NULL, forced_contract_reason = NULL")) {
            ps.setString(1, planId);
            ps.setString(2, checksum);
            ps.setString(3, description);
            ps.setString(4, state.name());
            ps.setString(5, canonicalForm);
            ps.executeUpdate();
        }
        forgetProgress(c, planId);
    }

    /**
     * Forgets a plan's step markers, backfill cursors and unmapped records: after a rollback, or before a fresh start.
     *
     * @param c the connection
     * @param planId the plan's id
     * @throws SQLException on failure
     */
    public void forgetProgress(Connection c, String planId) throws SQLException {
        for (String table : List.of("steps", "backfills", "unmapped", "saved")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t(table) + " WHERE plan_id = ?")) {
                ps.setString(1, planId);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Sets the plan's state and clears its last error.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param state the new state
     * @throws SQLException on failure
     */
    public void setState(Connection c, String planId, PlanState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + t("plans") + " SET state = ?, last_error = NULL, updated_at = now() WHERE plan_id = ?")) {
            ps.setString(1, state.name());
            ps.setString(2, planId);
            ps.executeUpdate();
        }
    }

    /**
     * Records a failure message on the plan.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param error the message
     * @throws SQLException on failure
     */
    public void setError(Connection c, String planId, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + t("plans") + " SET last_error = ?, updated_at = now() WHERE plan_id = ?")) {
            ps.setString(1, error.length() > 2000 ? error.substring(0, 2000) : error);
            ps.setString(2, planId);
            ps.executeUpdate();
        }
    }

    /**
     * Stores a verification result.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param inconsistent rows found inconsistent
     * @param state the resulting state
     * @throws SQLException on failure
     */
    public void setVerified(Connection c, String planId, long inconsistent, PlanState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t("plans")
                + " SET inconsistent_rows = ?, state = ?, last_error = NULL, updated_at = now() WHERE plan_id = ?")) {
            ps.setLong(1, inconsistent);
            ps.setString(2, state.name());
            ps.setString(3, planId);
            ps.executeUpdate();
        }
    }

    /**
     * Stores the reason a contract was forced.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param reason the reason
     * @throws SQLException on failure
     */
    public void setForcedReason(Connection c, String planId, String reason) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE " + t("plans") + " SET forced_contract_reason = ? WHERE plan_id = ?")) {
            ps.setString(1, reason);
            ps.setString(2, planId);
            ps.executeUpdate();
        }
    }

    /**
     * {@return the step ids marked done in a phase}
     *
     * @param c the connection
     * @param planId the plan's id
     * @param phase the phase name ({@code expand}, {@code contract}, {@code rollback})
     * @throws SQLException on failure
     */
    public Set<String> doneSteps(Connection c, String planId, String phase) throws SQLException {
        Set<String> done = new HashSet<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT step_id FROM " + t("steps") + " WHERE plan_id = ? AND phase = ?")) {
            ps.setString(1, planId);
            ps.setString(2, phase);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        }
        return done;
    }

    /**
     * Marks steps done; run it in the transaction that did the work.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param phase the phase name
     * @param stepIds the steps
     * @throws SQLException on failure
     */
    public void markDone(Connection c, String planId, String phase, List<String> stepIds) throws SQLException {
        if (stepIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + t("steps") + " (plan_id, step_id, phase) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (String step : stepIds) {
                ps.setString(1, planId);
                ps.setString(2, step);
                ps.setString(3, phase);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Appends to the event log; best effort, in autocommit.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param phase the phase
     * @param stepId the step, or {@code null}
     * @param attempt the attempt number
     * @param startedAt when it started
     * @param durationMillis how long it took
     * @param outcome {@code ok}, {@code retry}, {@code failed}, ...
     * @param detail a message
     * @throws SQLException on failure
     */
    public void event(
            Connection c,
            String planId,
            String phase,
            @Nullable String stepId,
            int attempt,
            Instant startedAt,
            long durationMillis,
            String outcome,
            String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t("events")
                + " (plan_id, phase, step_id, attempt, started_at, duration_ms, outcome, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, planId);
            ps.setString(2, phase);
            ps.setString(3, stepId);
            ps.setInt(4, attempt);
            ps.setTimestamp(5, Timestamp.from(startedAt));
            ps.setLong(6, durationMillis);
            ps.setString(7, outcome);
            ps.setString(8, detail.length() > 4000 ? detail.substring(0, 4000) : detail);
            ps.executeUpdate();
        }
    }

    /**
     * A backfill's saved progress.
     *
     * @param upperBound the fixed upper key, or {@code null} when the table was empty
     * @param cursor the last key done, or {@code null} before the first batch
     * @param rowsDone rows filled so far
     * @param batches batches committed so far
     * @param batchSize the last batch size
     * @param finished whether the backfill finished
     */
    @SuppressWarnings("ArrayRecordComponent") // internal: key values straight from JDBC arrays
    public record BackfillRow(
            String @Nullable [] upperBound,
            String @Nullable [] cursor,
            long rowsDone,
            long batches,
            int batchSize,
            boolean finished) {}

    /**
     * {@return the backfill's saved progress, if it started}
     *
     * @param c the connection
     * @param planId the plan's id
     * @param stepId the backfill step
     * @throws SQLException on failure
     */
    public Optional<BackfillRow> backfill(Connection c, String planId, String stepId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT upper_bound, cursor_key, rows_done, batches, batch_size,"
                + " finished_at IS NOT NULL FROM " + t("backfills") + " WHERE plan_id = ? AND step_id = ?")) {
            ps.setString(1, planId);
            ps.setString(2, stepId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BackfillRow(
                        strings(rs.getArray(1)),
                        strings(rs.getArray(2)),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getInt(5),
                        rs.getBoolean(6)));
            }
        }
    }

    private static String @Nullable [] strings(@Nullable Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Object[] values = (Object[]) array.getArray();
        return Arrays.copyOf(values, values.length, String[].class);
    }

    /**
     * Starts a backfill's progress row with its fixed upper bound.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param stepId the step
     * @param upperBound the upper key, or {@code null} for an empty table
     * @throws SQLException on failure
     */
    public void startBackfill(Connection c, String planId, String stepId, String @Nullable [] upperBound)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t("backfills")
                + " (plan_id, step_id, upper_bound, finished_at) VALUES (?, ?, ?, CASE WHEN ? THEN now() END)")) {
            ps.setString(1, planId);
            ps.setString(2, stepId);
            ps.setArray(3, upperBound == null ? null : c.createArrayOf("text", upperBound));
            ps.setBoolean(4, upperBound == null);
            ps.executeUpdate();
        }
    }

    /**
     * Saves a batch's cursor; run it in the batch's own transaction.
     *
     * @param c the connection
     * @param planId the plan's id
     * @param stepId the step
     * @param cursor the batch's upper key
     * @param rows rows the batch filled
     * @param batchSize the batch's size
     * @param finished whether this was the last batch
     * @throws SQLException on failure
     */
    public void saveCursor(
            Connection c, String planId, String stepId, String[] cursor, long rows, int batchSize, boolean finished)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t("backfills")
                + " SET cursor_key = ?, rows_done = rows_done + ?, batches = batches + 1, batch_size = ?,"
                + " finished_at = CASE WHEN ? THEN now() END WHERE plan_id = ? AND step_id = ?")) {
            ps.setArray(1, c.createArrayOf("text", cursor));
            ps.setLong(2, rows);
            ps.setInt(3, batchSize);
            ps.setBoolean(4, finished);
            ps.setString(5, planId);
            ps.setString(6, stepId);
            ps.executeUpdate();
        }
    }

    /**
     * {@return rows filled by every backfill of the plan}
     *
     * @param c the connection
     * @param planId the plan's id
     * @throws SQLException on failure
     */
    public long rowsBackfilled(Connection c, String planId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(sum(rows_done), 0) FROM " + t("backfills") + " WHERE plan_id = ?")) {
            ps.setString(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@return how many values of the plan are recorded as unmapped}
     *
     * @param c the connection
     * @param planId the plan's id
     * @throws SQLException on failure
     */
    public long unmappedCount(Connection c, String planId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM " + t("unmapped") + " WHERE plan_id = ?")) {
            ps.setString(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@return how many values of the plan are recorded as unmapped in one direction}
     *
     * @param c the connection
     * @param planId the plan's id
     * @param direction {@code forward} or {@code backward}
     * @throws SQLException on failure
     */
    public long unmappedCount(Connection c, String planId, String direction) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM " + t("unmapped") + " WHERE plan_id = ? AND direction = ?")) {
            ps.setString(1, planId);
            ps.setString(2, direction);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Forgets the plan's progress and marks it rolled back, in one transaction.
     *
     * @param c the connection, autocommit
     * @param planId the plan's id
     * @throws SQLException on failure
     */
    public void finishRollback(Connection c, String planId) throws SQLException {
        inTransaction(c, () -> {
            forgetProgress(c, planId);
            setState(c, planId, PlanState.ROLLED_BACK);
        });
    }

    private static void inTransaction(Connection c, Transactions.Action work) throws SQLException {
        if (!c.getAutoCommit()) {
            work.run(); // the caller's transaction
            return;
        }
        Transactions.run(c, work);
    }

    /**
     * {@return up to {@code limit} unmapped rows of the plan, oldest first}
     *
     * @param c the connection
     * @param planId the plan's id
     * @param limit the most rows to return
     * @throws SQLException on failure
     */
    public List<UnmappedRow> unmapped(Connection c, String planId, int limit) throws SQLException {
        List<UnmappedRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT step_id, table_name, row_key, direction, sqlstate, reason," + " value, recorded_at FROM "
                        + t("unmapped") + " WHERE plan_id = ? ORDER BY recorded_at, row_key LIMIT ?")) {
            ps.setString(1, planId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] key = strings(rs.getArray(3));
                    rows.add(new UnmappedRow(
                            rs.getString(1),
                            rs.getString(2),
                            key == null ? List.of() : List.of(key),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getTimestamp(8).toInstant()));
                }
            }
        }
        return rows;
    }

    /**
     * {@return the plan's status, from its row (or a PENDING status without one)}
     *
     * @param c the connection
     * @param planId the plan's id
     * @param checksum the plan's own checksum, reported when it never started
     * @throws SQLException on failure
     */
    public PlanStatus status(Connection c, String planId, String checksum) throws SQLException {
        Optional<PlanRow> row = find(c, planId);
        if (row.isEmpty()) {
            return new PlanStatus(planId, checksum, PlanState.PENDING, null, 0, -1, 0, null, null);
        }
        PlanRow r = row.get();
        return new PlanStatus(
                planId,
                r.checksum(),
                r.state(),
                r.updatedAt(),
                rowsBackfilled(c, planId),
                r.inconsistentRows(),
                unmappedCount(c, planId),
                r.lastError(),
                r.forcedContractReason());
    }
}
