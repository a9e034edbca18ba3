package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.TandemException;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A crash injected before every state write of a lifecycle (each write statement and each commit Tandem makes): after
 * each, running the same phase again (or rollback, before contract) must end consistent. Zero unrecoverable points.
 */
class CrashInjectionIT {

    static final TableName CUSTOMERS = TableName.of("customers");

    /** The tutorial's split, a raw concurrent index on a new column (with its undo), and a NOT NULL column dropped. */
    static MigrationPlan plan() {
        return MigrationPlan.named("crash-split")
                .deriveColumns(Plans.addressSplit(UnmappedPolicy.RECORD))
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY customers_city_idx ON customers (city)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_city_idx"),
                        "the new version searches by city")
                .dropColumn(CUSTOMERS, "address")
                .dropColumn(CUSTOMERS, "legacy")
                .build();
    }

    static void schema(DataSource ds) throws Exception {
        Db.customers(ds, 300);
        Db.exec(ds, "ALTER TABLE customers ADD COLUMN legacy text NOT NULL DEFAULT 'x'");
        Db.exec(ds, "ALTER TABLE customers ALTER COLUMN legacy DROP DEFAULT");
        Db.exec(ds, "UPDATE customers SET address = 'no commas' WHERE id = 13"); // one value the plan cannot map
    }

    static PostgresOptions options() {
        return PostgresOptions.defaults()
                .withBatchSizes(100, 100, 100)
                .withVerifyBatchSize(100)
                .withRetryDelays(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    interface Phases {
        void run(PostgresMigrator m, MigrationPlan plan, DataSource ds) throws Exception;
    }

    /**
     * Runs {@code steps} with a crash before write {@code crashAt}; the step that crashed is run again without one,
     * then the rest. {@return a description of what went wrong, or null}
     */
    static String runWithCrash(DataSource ds, int crashAt, List<Phases> steps, int[] writes) throws Exception {
        return runWithCrash(ds, crashAt, steps, writes, plan());
    }

    static String runWithCrash(DataSource ds, int crashAt, List<Phases> steps, int[] writes, MigrationPlan plan)
            throws Exception {
        CrashingDataSource crashing = new CrashingDataSource(ds, crashAt);
        PostgresMigrator dying = PostgresMigrator.create(crashing, options());
        PostgresMigrator recovering = PostgresMigrator.create(ds, options());
        boolean crashed = false;
        for (int i = 0; i < steps.size(); i++) {
            Phases step = steps.get(i);
            if (crashed) {
                step.run(recovering, plan, ds);
                continue;
            }
            try {
                step.run(dying, plan, ds);
            } catch (TandemException e) {
                if (!crashing.crashed()) {
                    throw e;
                }
                crashed = true;
                try {
                    step.run(recovering, plan, ds); // the same phase again
                } catch (RuntimeException again) {
                    return "crash before write #" + crashAt + " in step " + i + " (" + e.getMessage()
                            + "); running it again failed: " + again;
                }
            }
        }
        writes[0] = crashing.writes();
        return null;
    }

    /** The operator fixes the value the plan cannot map, with the application's connection. */
    static void fix(DataSource ds) throws Exception {
        Db.exec(ds, "UPDATE customers SET address = '13 Fixed St, Town, CA, 90001' WHERE id = 13");
    }

    void everyPoint(List<Phases> steps, Consumer<DataSource> check) throws Exception {
        everyPoint(steps, check, plan(), CrashInjectionIT::schema);
    }

    interface Schema {
        void create(DataSource ds) throws Exception;
    }

    static void everyPoint(List<Phases> steps, Consumer<DataSource> check, MigrationPlan plan, Schema schema)
            throws Exception {
        int total;
        try (TestDatabase db = Db.fresh("crash")) {
            schema.create(db.dataSource());
            int[] writes = {0};
            assertThat(runWithCrash(db.dataSource(), 0, steps, writes, plan)).isNull();
            total = writes[0];
            check.accept(db.dataSource());
        }
        assertThat(total).as("state writes in the run").isGreaterThan(30);
        List<String> unrecoverable = new ArrayList<>();
        int[] share = share();
        int tried = 0;
        for (int k = 1; k <= total; k++) {
            if (k % share[1] != share[0]) {
                continue;
            }
            tried++;
            try (TestDatabase db = Db.fresh("crash")) {
                DataSource ds = db.dataSource();
                schema.create(ds);
                String problem;
                try {
                    problem = runWithCrash(ds, k, steps, new int[1], plan);
                    if (problem == null) {
                        check.accept(ds);
                    }
                } catch (Exception | AssertionError e) {
                    problem = "crash before write #" + k + ": " + e;
                }
                if (problem != null) {
                    unrecoverable.add(problem);
                }
            }
        }
        LoggerFactory.getLogger(CrashInjectionIT.class)
                .info(
                        "{} crash points, {} tried (share {}/{}), {} unrecoverable",
                        total,
                        tried,
                        share[0],
                        share[1],
                        unrecoverable.size());
        if (!unrecoverable.isEmpty()) {
            fail(unrecoverable.size() + " of " + tried + " crash points tried could not be recovered:\n"
                    + String.join("\n", unrecoverable));
        }
    }

    /**
     * Which crash points this run tries, as {@code {i, n}}: those {@code k} with {@code k % n == i}. The build runs
     * every point on PostgreSQL 18 and 14 and splits them in thirds over 15, 16 and 17 (property
     * {@code tandem.it.crash.share}, {@code i/n}; every point when unset), so each point runs on every version's
     * layout at least once across the three and the build stays within its time budget.
     */
    static int[] share() {
        String p = System.getProperty("tandem.it.crash.share", "");
        if (p.isBlank()) {
            return new int[] {0, 1};
        }
        String[] parts = p.trim().split("/", -1);
        int i = Integer.parseInt(parts[0].trim());
        int n = Integer.parseInt(parts[1].trim());
        if (n < 1 || i < 0 || i >= n) {
            throw new IllegalArgumentException("tandem.it.crash.share must be i/n with 0 <= i < n, not " + p);
        }
        return new int[] {i, n};
    }

    @Test
    void fullLifecycle_recoversFromACrashBeforeEveryStateWrite() throws Exception {
        List<Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.verify(p));
        steps.add((m, p, ds) -> fix(ds));
        steps.add((m, p, ds) -> m.contract(p));
        everyPoint(steps, ds -> {
            try {
                assertThat(PostgresMigrator.create(ds).status(plan()).state()).isEqualTo(PlanState.CONTRACTED);
                assertThat(Db.columns(ds, "customers"))
                        .doesNotContain("address", "legacy")
                        .contains("city");
                assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE city IS NULL"))
                        .isZero();
                assertThat(Db.strings(ds, "SELECT city FROM customers WHERE id = 13"))
                        .containsExactly("Town");
                assertThat(Db.triggers(ds, "customers")).isZero();
                assertThat(Db.count(ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                        .isZero();
                assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                        .isZero();
                assertThat(Db.count(ds, "SELECT count(*) FROM pg_indexes WHERE indexname = 'customers_city_idx'"))
                        .isEqualTo(1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void expandBackfillRollback_recoversFromACrashBeforeEveryStateWrite() throws Exception {
        List<Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.rollback(p));
        everyPoint(steps, CrashInjectionIT::assertRolledBack);
    }

    @Test
    void contractWhoseDdlFails_recoversFromACrashBeforeEveryStateWrite_andRollsBack() throws Exception {
        List<Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> fix(ds));
        // a reader that never lets go of its lock: contract cannot take ACCESS EXCLUSIVE and gives up
        steps.add((m, p, ds) -> {
            try (Connection reader = ds.getConnection();
                    Statement s = reader.createStatement()) {
                reader.setAutoCommit(false);
                s.execute("SELECT count(*) FROM customers");
                try {
                    m.withOptions(options().withLockRetryDeadline(Duration.ofMillis(300)))
                            .contract(p);
                    throw new IllegalStateException("contract should not get its lock");
                } catch (LockNotAcquiredException expected) {
                    // nothing was dropped
                }
                reader.rollback();
            }
        });
        steps.add((m, p, ds) -> m.rollback(p));
        everyPoint(steps, CrashInjectionIT::assertRolledBack);
    }

    static void assertRolledBack(DataSource ds) {
        try {
            assertThat(PostgresMigrator.create(ds).status(plan()).state()).isEqualTo(PlanState.ROLLED_BACK);
            assertThat(Db.columns(ds, "customers"))
                    .containsExactly("id", "name", "email", "address", "created_at", "updated_at", "legacy");
            assertThat(Db.strings(
                            ds,
                            "SELECT is_nullable FROM information_schema.columns WHERE table_name ="
                                    + " 'customers' AND column_name = 'legacy'"))
                    .containsExactly("NO");
            assertThat(Db.triggers(ds, "customers")).isZero();
            assertThat(Db.count(ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                    .isZero();
            assertThat(Db.count(
                            ds,
                            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'customers'::regclass"
                                    + " AND contype = 'c'"))
                    .isZero();
            assertThat(Db.count(ds, "SELECT count(*) FROM pg_indexes WHERE tablename = 'customers'"))
                    .isEqualTo(2); // the primary key and email's unique index
            assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE address IS NULL"))
                    .isZero();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
