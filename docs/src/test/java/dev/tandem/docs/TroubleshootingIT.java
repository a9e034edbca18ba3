package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.TandemException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Produces every error of troubleshooting.md for real and checks the page shows its actual message. */
class TroubleshootingIT {
    private static final Logger log = LoggerFactory.getLogger(TroubleshootingIT.class);

    static final String PAGE = "troubleshooting.md";

    TestDatabase db;
    DataSource dataSource;
    final MigrationPlan plan = GettingStartedIT.addressSplit();

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("troubleshooting");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** A session that read customers and stays idle in its transaction, like a report left open. */
    Connection idleReader(String applicationName, boolean repeatableRead) throws SQLException {
        Connection c = db.newDataSource(1, applicationName).getConnection();
        c.setAutoCommit(false);
        if (repeatableRead) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM customers WHERE id = 1")) {
            rs.next();
        }
        return c;
    }

    @Test
    void schemaMismatch_unknownTableAndColumn_reportedTogether() {
        MigrationPlan typos = MigrationPlan.named("customers-typos")
                .deriveColumns(DeriveColumns.on(TableName.of("customer"))
                        .from("address")
                        .into("city", ColumnType.TEXT, SqlExpression.trusted("address"))
                        .oneWay("example"))
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("fullname")
                        .into("first_name", ColumnType.TEXT, SqlExpression.trusted("split_part(fullname, ' ', 1)"))
                        .oneWay("example"))
                .build();

        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).expand(typos));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        DocOutputs.check(PAGE, "schema-mismatch", e.getMessage());
    }

    @Test
    void schemaMismatch_invalidExpression_quotesTheDatabasesError() {
        MigrationPlan typo = MigrationPlan.named("customers-first-name")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("name")
                        .into("first_name", ColumnType.TEXT, SqlExpression.trusted("split_prt(name, ' ', 1)"))
                        .oneWay("example"))
                .build();

        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).expand(typo));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        DocOutputs.check(PAGE, "invalid-expression", e.getMessage());
    }

    @Test
    void schemaMismatch_tableWithoutPrimaryKey_refused() throws Exception {
        execute("CREATE TABLE audit_log (happened_at timestamptz, message text)");
        MigrationPlan noKey = MigrationPlan.named("audit-log-level")
                .deriveColumns(DeriveColumns.on(TableName.of("audit_log"))
                        .from("message")
                        .into("level", ColumnType.varchar(8), SqlExpression.trusted("split_part(message, ':', 1)"))
                        .oneWay("level is read-only"))
                .build();

        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).expand(noKey));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        DocOutputs.check(PAGE, "no-primary-key", e.getMessage());
    }

    @Test
    void schemaMismatch_unqualifiedFunctionOfTheApplication_refusedWithTheResolutionRule() throws Exception {
        DocsDatabase.run(dataSource, "security.sql", "digits-only");
        MigrationPlan unqualified = zipDigits(SqlExpression.trusted("digits_only(split_part(address, ',', 4))"));

        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).expand(unqualified));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        DocOutputs.check(PAGE, "unqualified-function", e.getMessage());

        MigrationPlan qualified = MigrationPlan.named("customers-zip-digits")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("address")
                        // tag::qualified-function[]
                        .into(
                                "zip_digits",
                                ColumnType.varchar(10),
                                SqlExpression.trusted("public.digits_only(split_part(address, ',', 4))"))
                        // end::qualified-function[]
                        .oneWay("version 2 only reads zip_digits"))
                .build();
        assertThat(PostgresMigrator.create(dataSource).expand(qualified).state())
                .isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void schemaMismatch_functionInASchemaEveryoneMayCreateIn_refused() throws Exception {
        DocsDatabase.run(dataSource, "security.sql", "digits-only");
        execute("GRANT CREATE ON SCHEMA public TO PUBLIC"); // what PostgreSQL 14 and older grant by default
        MigrationPlan plan = zipDigits(SqlExpression.trusted("public.digits_only(split_part(address, ',', 4))"));
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);

        Throwable e = catchThrowable(() -> migrator.expand(plan));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        DocOutputs.check(PAGE, "writable-schema", e.getMessage());

        DocsDatabase.run(dataSource, "security.sql", "revoke-public-create");
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
    }

    static MigrationPlan zipDigits(SqlExpression forward) {
        return MigrationPlan.named("customers-zip-digits")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("address")
                        .into("zip_digits", ColumnType.varchar(10), forward)
                        .oneWay("version 2 only reads zip_digits"))
                .build();
    }

    @Test
    void schemaMismatch_renameByCopyOfWhatACopyCannotCarry_refused() throws Exception {
        execute("ALTER TABLE customers ADD CONSTRAINT customers_email_check CHECK (email LIKE '%@%')");
        MigrationPlan renames = MigrationPlan.named("customers-renames")
                .renameColumnByCopy(TableName.of("customers"), "id", "customer_id", ColumnType.of("integer"))
                .renameColumnByCopy(TableName.of("customers"), "email", "email_address", ColumnType.varchar(255))
                .build();

        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).expand(renames));

        assertThat(e).isInstanceOf(PlanValidationException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        DocOutputs.check(PAGE, "rename-refused", e.getMessage());
    }

    @Test
    void stateConflict_rollbackWhileARelaxedNotNullColumnHasNulls_refused() throws Exception {
        MigrationPlan dropName = MigrationPlan.named("customers-drop-name")
                .dropColumn(TableName.of("customers"), "name")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(dropName); // name is NOT NULL without a default: expand drops the NOT NULL
        // the new version no longer writes name
        execute("INSERT INTO customers (email, address) VALUES ('new@example.com', '1 New St, Town, MA, 02101')");

        Throwable e = catchThrowable(() -> migrator.rollback(dropName));

        assertThat(e).isInstanceOf(PlanStateException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.STATE_CONFLICT);
        DocOutputs.check(PAGE, "rollback-not-null", e.getMessage());
        assertThat(migrator.status(dropName).state()).isEqualTo(PlanState.EXPANDED);

        execute("UPDATE customers SET name = 'unknown' WHERE name IS NULL");
        assertThat(migrator.rollback(dropName).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'customers'::regclass"
                        + " AND attname = 'name'"))
                .isEqualTo("t");
    }

    @Test
    void contractRefused_unmappedWriteAfterTheVerification_refusedByTheGuard() throws Exception {
        AtomicBoolean written = new AtomicBoolean();
        ExecutionListener lateWriter = new ExecutionListener() {
            @Override
            public void beforeUnit(Unit unit, Connection connection) throws SQLException {
                // an old-version instance still running writes a value the plan cannot map, after contract's verify
                if (unit.phase().equals("contract") && written.compareAndSet(false, true)) {
                    execute("UPDATE customers SET address = '1 A St, Town, 90001' WHERE id = 3");
                }
            }
        };
        PostgresMigrator migrator =
                PostgresMigrator.create(dataSource, PostgresOptions.defaults().withListener(lateWriter));
        migrator.runTo(plan, PlanState.VERIFIED);

        Throwable e = catchThrowable(() -> migrator.contract(plan));

        assertThat(written).isTrue();
        assertThat(e).isInstanceOf(PlanStateException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.CONTRACT_REFUSED);
        DocOutputs.check(PAGE, "contract-guard", e.getMessage());
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.BACKFILLED);

        execute("UPDATE customers SET address = '1 A St, Town, MA, 02101' WHERE id = 3");
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void stepFailed_uniqueIndexOnDuplicates_leavesNoInvalidIndex() throws Exception {
        execute("UPDATE customers SET name = 'Jane Smith' WHERE id IN (1, 2)");
        MigrationPlan index = MigrationPlan.named("customers-name-key")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE UNIQUE INDEX CONCURRENTLY customers_name_key ON customers (name)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_name_key"),
                        "version 2 looks customers up by name")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);

        Throwable e = catchThrowable(() -> migrator.expand(index));

        assertThat(e).isInstanceOf(StepExecutionException.class);
        assertThat(((StepExecutionException) e).sqlState()).isEqualTo("23505");
        DocOutputs.check(PAGE, "step-failed", e.getMessage());
        // the failed build left an INVALID index; Tandem dropped it, so fixing the data and rerunning is enough
        assertThat(query("SELECT count(*) FROM pg_class WHERE relname = 'customers_name_key'"))
                .isEqualTo("0");
        execute("UPDATE customers SET name = 'John Doe' WHERE id = 1");
        assertThat(migrator.expand(index).state()).isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void backfillFailed_uniqueIndexOnANewColumn_stopsAtThatBatch() throws Exception {
        execute("UPDATE customers SET email = 'JOHN@example.com' WHERE id = 2"); // unique, but not without case
        MigrationPlan emailKey = MigrationPlan.named("customers-email-lower")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("email")
                        .into("email_lower", ColumnType.varchar(255), SqlExpression.trusted("lower(email)"))
                        .oneWay("version 2 looks customers up by email_lower and writes email"))
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted(
                                "CREATE UNIQUE INDEX CONCURRENTLY customers_email_lower_key ON customers (email_lower)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_email_lower_key"),
                        "builds without blocking writes")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(emailKey);

        Throwable e = catchThrowable(() -> migrator.backfill(emailKey));

        assertThat(e).isInstanceOf(StepExecutionException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.BACKFILL_FAILED);
        assertThat(((StepExecutionException) e).sqlState()).isEqualTo("23505");
        DocOutputs.check(PAGE, "backfill-failed", e.getMessage());

        // the fix: resolve the duplicate, run backfill again: it resumes at the failed batch
        execute("UPDATE customers SET email = 'jane@example.com' WHERE id = 2");
        migrator.backfill(emailKey);
        assertThat(query("SELECT count(*) FROM customers WHERE email_lower IS NOT NULL"))
                .isEqualTo("5");
    }

    @Test
    void lockTimeout_idleTransactionNeverEnds_namesTheSession() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                dataSource,
                PostgresOptions.defaults()
                        .withLockTimeout(Duration.ofMillis(100))
                        .withLockRetryDeadline(Duration.ofSeconds(1))
                        .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200)));
        TandemException failure = null;
        try (Connection report = idleReader("billing-report", false)) {
            // tag::handle-errors[]
            try {
                migrator.expand(plan);
            } catch (TandemException e) {
                // TANDEM-0300 and TANDEM-0310: nothing was applied, a later run may succeed
                boolean retryLater =
                        e.errorCode() == ErrorCode.LOCK_TIMEOUT || e.errorCode() == ErrorCode.RUNNER_LOCKED;
                if (e instanceof LockNotAcquiredException locked) {
                    locked.blockers().forEach(session -> log.warn("blocked by {}", session.describe()));
                }
                // end::handle-errors[]
                assertThat(retryLater).isTrue();
                failure = e;
                // tag::handle-errors[]
            }
            // end::handle-errors[]
            report.rollback();
        }
        assertThat(failure).isInstanceOf(LockNotAcquiredException.class);
        DocOutputs.check(PAGE, "lock-timeout", String.valueOf(failure.getMessage()));
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
    }

    @Test
    void runnerLocked_secondRunnerWhileFirstBackfills_failsAtOnce() throws Exception {
        PostgresMigrator first = PostgresMigrator.create(db.newDataSource(2, "deploy-pod-1"));
        first.expand(plan);
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BackfillReport> running = CompletableFuture.supplyAsync(() -> first.backfill(plan, p -> {
            inBatch.countDown();
            await(release);
        }));
        assertThat(inBatch.await(30, TimeUnit.SECONDS)).isTrue();

        Throwable e = catchThrowable(() ->
                PostgresMigrator.create(db.newDataSource(2, "deploy-pod-2")).backfill(plan));
        release.countDown();

        assertThat(e).isInstanceOf(LockNotAcquiredException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.RUNNER_LOCKED);
        DocOutputs.check(PAGE, "runner-locked", e.getMessage());
        assertThat(running.get(30, TimeUnit.SECONDS).rowsFilled()).isEqualTo(5);
    }

    @Test
    void stateConflict_backfillBeforeExpand_refused() {
        Throwable e = catchThrowable(() -> PostgresMigrator.create(dataSource).backfill(plan));

        assertThat(e).isInstanceOf(PlanStateException.class);
        DocOutputs.check(PAGE, "state-conflict", e.getMessage());
    }

    @Test
    void stateConflict_rollbackAfterContract_refused() {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.runTo(plan, PlanState.CONTRACTED);

        Throwable e = catchThrowable(() -> migrator.rollback(plan));

        assertThat(e).isInstanceOf(PlanStateException.class);
        DocOutputs.check(PAGE, "state-conflict-rollback", e.getMessage());
    }

    @Test
    void checksumChanged_planEditedAfterExpand_refused() {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(plan);
        MigrationPlan edited = MigrationPlan.named("customers-address-split")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .from("address")
                        .into("street_address", ColumnType.varchar(255), GettingStartedIT.part(1))
                        .into("city", ColumnType.varchar(120), GettingStartedIT.part(2)) // was varchar(100)
                        .into("state", ColumnType.varchar(2), GettingStartedIT.part(3))
                        .into("zip_code", ColumnType.varchar(10), GettingStartedIT.part(4))
                        .backward(
                                "address",
                                SqlExpression.trusted("concat_ws(', ', street_address, city, state, zip_code)")))
                .dropColumn(TableName.of("customers"), "address")
                .build();

        Throwable e = catchThrowable(() -> migrator.backfill(edited));

        assertThat(e).isInstanceOf(PlanStateException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.CHECKSUM_CHANGED);
        DocOutputs.check(PAGE, "checksum-changed", e.getMessage());
    }

    @Test
    void contractRefused_twoAddressesCannotBeSplit_listsThem() throws Exception {
        execute("UPDATE customers SET address = '1 A St, Town, 90001' WHERE id = 4");
        execute("UPDATE customers SET address = '1 A St, Town, California, 90001' WHERE id = 5");
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(plan);
        migrator.backfill(plan);
        DocOutputs.check(PAGE, "contract-refused-verify", migrator.verify(plan).toString());

        Throwable e = catchThrowable(() -> migrator.contract(plan));

        assertThat(e).isInstanceOf(PlanStateException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.CONTRACT_REFUSED);
        DocOutputs.check(PAGE, "contract-refused", e.getMessage());

        // the fix: correct the values through either version, verify again
        execute("UPDATE customers SET address = '1 A St, Town, MA, 02101' WHERE id IN (4, 5)");
        assertThat(migrator.verify(plan).contractable()).isTrue();
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
    }

    /** The first plan's split, one way, with the unmapped-value policy {@code REJECT}. */
    static MigrationPlan strictPlan() {
        return MigrationPlan.named("customers-address-split-strict")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .named("customers.address")
                        .from("address")
                        .into("street_address", ColumnType.varchar(255), GettingStartedIT.part(1))
                        .into("city", ColumnType.varchar(100), GettingStartedIT.part(2))
                        .into("state", ColumnType.varchar(2), GettingStartedIT.part(3))
                        .into("zip_code", ColumnType.varchar(10), GettingStartedIT.part(4))
                        .oneWay("example")
                        .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'"))
                        .onUnmapped(UnmappedPolicy.REJECT))
                .build();
    }

    @Test
    void backfillFailed_rejectPolicy_stopsAtTheFirstRowItCannotMap() throws Exception {
        execute("UPDATE customers SET address = '1 A St, Town, California, 90001' WHERE id = 4");
        MigrationPlan strict = strictPlan();
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        migrator.expand(strict);

        Throwable e = catchThrowable(() -> migrator.backfill(strict));

        assertThat(e).isInstanceOf(StepExecutionException.class);
        assertThat(((TandemException) e).errorCode()).isEqualTo(ErrorCode.BACKFILL_FAILED);
        assertThat(((StepExecutionException) e).sqlState()).isEqualTo("22001");
        DocOutputs.check(PAGE, "backfill-rejected", e.getMessage());
        // nothing was recorded: under REJECT the row stays for the operator to fix
        assertThat(query("SELECT count(*) FROM tandem.unmapped")).isEqualTo("0");

        // the fix: correct the row, run backfill again: it resumes at this row
        execute("UPDATE customers SET address = '1 A St, Town, CA, 90001' WHERE id = 4");
        migrator.backfill(strict);
        assertThat(query("SELECT count(*) FROM customers WHERE city IS NULL")).isEqualTo("0");
        assertThat(migrator.verify(strict).contractable()).isTrue();
    }

    @Test
    void unmappedValue_rejectPolicy_failsTheOldVersionsWrite() throws Exception {
        MigrationPlan strict = strictPlan();
        PostgresMigrator.create(dataSource).expand(strict);

        Throwable e = catchThrowable(() -> execute("INSERT INTO customers (name, email, address)"
                + " VALUES ('Dan', 'dan@example.com', '1 A St, Town, 90001')"));

        assertThat(e).isInstanceOf(SQLException.class);
        assertThat(((SQLException) e).getSQLState()).isEqualTo("23514");
        DocOutputs.check(PAGE, "unmapped-value", e.getMessage());
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    String query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
