package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock-hold bound against a concurrent writer. The mapping sleeps 1 ms per row, so a batch of n rows keeps its
 * first row locked for at least n ms: the batch sizer, not the machine's speed, decides how long the writer can wait.
 * At the default bound (50 ms) no batch grows past what 35 ms allows, and a writer with a 500 ms {@code lock_timeout}
 * never times out; with the bound raised the batches grow to hundreds of rows and the same writer times out.
 */
class LockHoldIT {
    static final int ROWS = 3_000;

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("lockhold");
        ds = db.dataSource();
        Db.customers(ds, ROWS);
        // PostgreSQL 14 lets every role create in public; Tandem refuses functions from a schema others can write
        Db.exec(ds, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        Db.exec(
                ds,
                "CREATE FUNCTION public.slow_copy(v text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS"
                        + " $$ BEGIN PERFORM pg_catalog.pg_sleep(0.001); RETURN v; END $$");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static MigrationPlan slowPlan() {
        return MigrationPlan.named("slow-copy")
                .deriveColumns(DeriveColumns.on(Plans.CUSTOMERS)
                        .named("customers.name_copy")
                        .from("name")
                        .into("name_copy", ColumnType.varchar(255), SqlExpression.trusted("public.slow_copy(name)"))
                        .backward("name", SqlExpression.trusted("name_copy")))
                .build();
    }

    /** What the writer saw and the largest batch the backfill ran. */
    record Outcome(long writes, long lockTimeouts, long largestBatch) {}

    Outcome backfillAgainstAWriter(PostgresOptions options) throws Exception {
        AtomicLong largest = new AtomicLong();
        PostgresMigrator migrator = PostgresMigrator.create(
                ds, options.withBackfillListener(p -> largest.accumulateAndGet(p.lastBatchRows(), Math::max)));
        MigrationPlan plan = slowPlan();
        migrator.expand(plan);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(
                () -> {
                    try (Connection c = db.newDataSource(1, "writer").getConnection();
                            Statement s = c.createStatement()) {
                        s.execute("SET lock_timeout = '500ms'");
                        while (running.get()) {
                            int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                            try {
                                s.executeUpdate("UPDATE customers SET email = email WHERE id = " + id);
                                writes.incrementAndGet();
                            } catch (SQLException e) {
                                if (!"55P03".equals(e.getSQLState())) {
                                    throw e;
                                }
                                timeouts.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                },
                "writer");
        writer.start();
        try {
            BackfillReport report = migrator.backfill(plan);
            assertThat(report.rowsFilled()).isEqualTo(ROWS);
        } finally {
            running.set(false);
            writer.join();
        }
        assertThat(failed.get()).isNull();
        assertThat(migrator.verify(plan).inconsistentRows()).isZero();
        return new Outcome(writes.get(), timeouts.get(), largest.get());
    }

    static PostgresOptions smallStart() {
        // start small, so that it is the sizer that grows the batches
        return PostgresOptions.defaults().withBatchSizes(10, 1, 100_000);
    }

    @Test
    void atTheDefaultBound_batchesStaySmallEnoughThatTheWriterNeverTimesOut() throws Exception {
        assertThat(PostgresOptions.defaults().maxLockHold()).isEqualTo(Duration.ofMillis(50));
        Outcome o = backfillAgainstAWriter(smallStart());
        // each row costs >= 1 ms, so the aim of 35 ms stops growth at 35 rows, and one step of 1.5x cannot pass 53
        assertThat(o.largestBatch()).isBetween(10L, 53L);
        assertThat(o.writes()).isPositive();
        assertThat(o.lockTimeouts()).isZero();
    }

    @Test
    void withTheBoundRaised_batchesGrowAndTheSameWriterTimesOut() throws Exception {
        Outcome o = backfillAgainstAWriter(
                smallStart().withTargetBatchDuration(Duration.ofSeconds(2)).withMaxLockHold(Duration.ofSeconds(10)));
        assertThat(o.largestBatch()).isGreaterThan(500L);
        assertThat(o.lockTimeouts()).isPositive();
    }
}
