package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every interrupted state recovers by running the same phase again (or rollback, before contract). */
class RecoveryIT {

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("recovery");
        ds = db.dataSource();
        Db.customers(ds, 1_000);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static PostgresOptions quick() {
        return PostgresOptions.defaults()
                .withLockTimeout(Duration.ofMillis(100))
                .withLockRetryDeadline(Duration.ofMillis(400))
                .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(50));
    }

    /** A session that read customers and stays idle in transaction, holding ACCESS SHARE. */
    Connection idleReader() throws SQLException {
        Connection c = db.newDataSource(1, "idle-reader").getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM customers");
        }
        return c;
    }

    @Test
    void expandInterruptedAfterOneOfSeveralAddColumns_resumesWhenRunAgain() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        AtomicInteger units = new AtomicInteger();
        List<Connection> blockers = new ArrayList<>();
        // a blocker arrives after the first ADD COLUMN and outlasts the retry deadline
        ExecutionListener arrival = new ExecutionListener() {
            @Override
            public void beforeUnit(Unit unit, Connection connection) throws SQLException {
                if (units.incrementAndGet() == 2 && blockers.isEmpty()) {
                    blockers.add(idleReader());
                }
            }
        };
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick().withListener(arrival));
        assertThatThrownBy(() -> migrator.expand(plan)).isInstanceOf(LockNotAcquiredException.class);
        assertThat(Db.columns(ds, "customers")).contains("street_address").doesNotContain("city");
        blockers.get(0).close();

        assertThat(PostgresMigrator.create(ds, quick()).expand(plan).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.columns(ds, "customers")).contains("street_address", "city", "state", "zip_code");
    }

    @Test
    void contractThatAppliedNothing_goesBackToWhereItWas_rollbackAndRunToStillWork() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        migrator.runTo(plan, PlanState.VERIFIED);
        Connection blocker = idleReader();
        try {
            assertThatThrownBy(() -> migrator.contract(plan)).isInstanceOf(LockNotAcquiredException.class);
        } finally {
            blocker.close();
        }
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.VERIFIED);
        assertThat(Db.columns(ds, "customers")).contains("address");

        // runTo goes the rest of the way; and a rollback from there would have worked too
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void contractStoppedMidway_withNothingDropped_canBeRolledBack() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        migrator.runTo(plan, PlanState.VERIFIED);
        // a runner that died right after it marked the plan CONTRACTING
        Db.exec(ds, "UPDATE tandem.plans SET state = 'CONTRACTING'");
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(Db.columns(ds, "customers")).contains("address").doesNotContain("city");
    }

    @Test
    void droppedColumnWithDependents_isReportedByExplainAndRefusedBeforeAnythingChanges() throws Exception {
        Db.exec(ds, "CREATE VIEW customer_addresses AS SELECT id, address FROM customers");
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        assertThat(migrator.explain(plan).toString())
                .contains("contract would fail now: contract drops \"address\" of \"public\".\"customers\", but view"
                        + " public.customer_addresses depends on it");
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("view public.customer_addresses depends on it and DROP COLUMN would fail");
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();

        // a dependent created after expand: contract refuses up front, and the plan stays where it was
        Db.exec(ds, "DROP VIEW customer_addresses");
        migrator.runTo(plan, PlanState.VERIFIED);
        Db.exec(ds, "CREATE VIEW customer_addresses AS SELECT id, address FROM customers");
        assertThatThrownBy(() -> migrator.contract(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("view public.customer_addresses depends on it");
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.VERIFIED);
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
    }

    @Test
    void manyPlansExpandingAtOnceOnAFreshDatabase_allSucceed() throws Exception {
        int plans = 20;
        for (int i = 0; i < plans; i++) {
            Db.exec(ds, "CREATE TABLE t" + i + " (id int PRIMARY KEY)");
        }
        DataSource pool = db.newDataSource(plans, "pods");
        List<CompletableFuture<PlanStatus>> runs = new ArrayList<>();
        for (int i = 0; i < plans; i++) {
            MigrationPlan plan = MigrationPlan.named("plan-" + i)
                    .addColumn(TableName.of("t" + i), "c", ColumnType.TEXT)
                    .build();
            runs.add(CompletableFuture.supplyAsync(
                    () -> PostgresMigrator.create(pool).expand(plan)));
        }
        for (CompletableFuture<PlanStatus> r : runs) {
            assertThat(r.get(60, TimeUnit.SECONDS).state()).isEqualTo(PlanState.EXPANDED);
        }
    }

    @Test
    void rawConcurrentIndexThatCommittedBeforeItsStepWasMarked_countsAsDone() throws Exception {
        MigrationPlan plan = MigrationPlan.named("name-index")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_name_idx"),
                        "the new version searches by name")
                .build();
        // the build committed, then the runner died before it could mark the step done
        Db.exec(ds, "CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)");
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_indexes WHERE indexname = 'customers_name_idx'"))
                .isEqualTo(1);
    }

    @Test
    void failedConcurrentReindex_leavesNoInvalidIndex_andSaysWhatItDropped() throws Exception {
        Db.exec(ds, "CREATE INDEX customers_name_idx ON customers (name)");
        MigrationPlan plan = MigrationPlan.named("reindex")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("REINDEX INDEX CONCURRENTLY customers_name_idx"),
                        null,
                        "a bloated index")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        // an old transaction with a snapshot: the reindex waits for it and gives up at its lock timeout
        try (Connection old = db.newDataSource(1, "old-snapshot").getConnection();
                Statement s = old.createStatement()) {
            old.setAutoCommit(false);
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("SELECT count(*) FROM pg_class");
            assertThatThrownBy(() -> migrator.expand(plan))
                    .isInstanceOf(dev.tandem.TandemException.class)
                    .satisfies(e -> {
                        if (e instanceof StepExecutionException) {
                            assertThat(e.getMessage()).contains("were dropped").contains("_ccnew");
                        }
                    });
            old.rollback();
        }
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                .isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_class WHERE relname LIKE 'customers_name_idx_cc%'"))
                .isZero();
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void rollback_runsRawUndoStatementsBeforeItDropsTheColumnsTheyName() throws Exception {
        MigrationPlan plan = MigrationPlan.named("customers-address-split")
                .deriveColumns(Plans.addressSplit(dev.tandem.plan.UnmappedPolicy.RECORD))
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("COMMENT ON COLUMN customers.city IS 'filled by Tandem'"),
                        SqlStatement.trusted("COMMENT ON COLUMN customers.city IS NULL"),
                        "documentation for the new version's developers")
                .dropColumn(Plans.CUSTOMERS, "address")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(Db.columns(ds, "customers")).doesNotContain("city");
    }

    @Test
    void ddlBehindAReader_finishesSoonAfterTheReaderEnds_andNoOtherQueryWaitsLongerThanLockTimeout() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        Duration lockTimeout = Duration.ofMillis(200);
        // A blind retry would sleep at least 5 s after the first failed attempt (delays of 10 s, jittered down to
        // half),
        // long after the reader ends at 3 s; watching pg_locks retries within a poll of the reader's end.
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withLockTimeout(lockTimeout)
                        .withLockRetryDeadline(Duration.ofSeconds(60))
                        .withRetryDelays(Duration.ofSeconds(10), Duration.ofSeconds(10)));
        Connection reader = idleReader();
        CompletableFuture<Long> expand = CompletableFuture.supplyAsync(() -> {
            migrator.expand(plan);
            return System.nanoTime();
        });
        // other clients keep reading; each read may wait behind a pending DDL attempt, never longer than lock_timeout
        long worst = 0;
        long released = 0;
        try (Connection probe = db.newDataSource(1, "probe").getConnection();
                Statement s = probe.createStatement()) {
            long start = System.nanoTime();
            while (!expand.isDone()
                    && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                long t0 = System.nanoTime();
                s.execute("SELECT 1 FROM customers WHERE id = 1");
                worst = Math.max(worst, System.nanoTime() - t0);
                if (released == 0
                        && System.nanoTime() - start > Duration.ofSeconds(3).toNanos()) {
                    reader.commit();
                    reader.close();
                    released = System.nanoTime();
                }
                Thread.sleep(5);
            }
        }
        long done = expand.get(30, TimeUnit.SECONDS);
        assertThat(released).isPositive();
        // bounds with room for a slow machine, each well below what the failure would take: a probe queued behind a
        // DDL without lock_timeout waits for the reader (3 s); a blind retry comes at least 2 s after the reader's end
        assertThat(Duration.ofNanos(worst)).as("longest probe").isLessThan(lockTimeout.plusMillis(1_300));
        assertThat(Duration.ofNanos(done - released))
                .as("from the reader's end to the end of expand")
                .isLessThan(Duration.ofMillis(1_800));
    }

    @Test
    void connectionLostMidPhase_reportsTheServersReason() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        ExecutionListener killer = new ExecutionListener() {
            @Override
            public void beforeCommit(Unit unit, Connection connection) throws SQLException {
                Db.exec(ds, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tandem'");
            }
        };
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick().withListener(killer));
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(StepExecutionException.class)
                .hasMessageContaining("terminating connection due to administrator command")
                .hasMessageContaining("run expand again to resume");
        assertThat(PostgresMigrator.create(ds, quick()).expand(plan).state()).isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void backfillThatGivesUpOnRowLocks_namesTheSessionHoldingThem() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                quick().withBatchTimeouts(Duration.ofSeconds(60), Duration.ofMillis(50))
                        .withBatchSizes(100, 100, 100));
        migrator.expand(plan);
        try (Connection writer = db.newDataSource(1, "row-locker").getConnection();
                Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.executeUpdate("UPDATE customers SET name = 'locked' WHERE id = 1");
            assertThatThrownBy(() -> migrator.backfill(plan))
                    .isInstanceOf(StepExecutionException.class)
                    .hasMessageContaining("kept the rows locked longer than the batch's lock wait (50 ms")
                    .hasMessageContaining("Sessions writing the table: pid ")
                    .hasMessageContaining("row-locker");
            writer.rollback();
        }
        assertThat(migrator.backfill(plan).rowsFilled()).isEqualTo(1_000);
    }

    @Test
    void batchStatementTimeout_appliesToTheBatchsUpdate_andARunWithALongerOneResumes() throws Exception {
        // the batch's settings and its UPDATE reach the server together: the timeout must still bound the UPDATE.
        // The function lives in a schema only its owner may create in (public is open to all before PostgreSQL 15).
        Db.exec(
                ds,
                "CREATE SCHEMA slow; CREATE FUNCTION slow.slow_at(v text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF v LIKE '500 Main St,%' THEN PERFORM pg_catalog.pg_sleep(1); END IF; RETURN v; END $$");
        MigrationPlan plan = MigrationPlan.named("slow-copy")
                .deriveColumns(DeriveColumns.on(Plans.CUSTOMERS)
                        .named("customers.slow")
                        .from("address")
                        .into("address_copy", ColumnType.TEXT, SqlExpression.trusted("slow.slow_at(address)"))
                        .backward("address", SqlExpression.trusted("address_copy")))
                .build();
        PostgresMigrator impatient = PostgresMigrator.create(
                ds,
                quick().withBatchTimeouts(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .withBatchSizes(50, 1, 50));
        impatient.expand(plan);

        assertThatThrownBy(() -> impatient.backfill(plan))
                .isInstanceOf(StepExecutionException.class)
                .hasMessageContaining("SQLState 57014")
                .hasMessageContaining("statement timeout")
                .hasMessageContaining("after key [499]")
                .hasMessageContaining("raise the batch statement timeout (now PT0.1S)");
        // every batch before the slow row is saved with its cursor; nothing at or after it was written
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE address_copy IS NOT NULL"))
                .isEqualTo(499);
        assertThat(Db.count(ds, "SELECT max(id) FROM customers WHERE address_copy IS NOT NULL"))
                .isEqualTo(499);

        PostgresMigrator patient = PostgresMigrator.create(ds, quick());
        assertThat(patient.backfill(plan).rowsFilled()).isEqualTo(501);
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE address_copy IS DISTINCT FROM address"))
                .isZero();
        assertThat(patient.verify(plan).inconsistentRows()).isZero();
    }

    @Test
    void contractAfterRollback_isAStateConflict() throws Exception {
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        migrator.expand(plan);
        migrator.rollback(plan);
        assertThatThrownBy(() -> migrator.contract(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STATE_CONFLICT))
                .hasMessageContaining("[TANDEM-0400]");
    }

    @Test
    void statementCancelledByAnotherSession_saysSo_andDoesNotBlameTheStatementTimeout() throws Exception {
        MigrationPlan plan = MigrationPlan.named("slow")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("DO $$ BEGIN PERFORM pg_sleep(5); END $$"),
                        null,
                        "a slow maintenance step")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds, quick());
        CompletableFuture<PlanStatus> run = CompletableFuture.supplyAsync(() -> migrator.expand(plan));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Db.count(
                                ds,
                                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tandem'"
                                        + " AND query LIKE 'DO %' AND state = 'active'")
                        == 0
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Db.exec(ds, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'tandem'");
        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StepExecutionException.class)
                .hasMessageContaining("canceling statement due to user request")
                .hasMessageContaining("Another session cancelled the statement")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("statementTimeout"));
    }
}
