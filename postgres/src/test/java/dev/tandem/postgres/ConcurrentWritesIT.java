package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both application versions insert and update rows for the whole backfill: afterwards verify finds every row
 * consistent, neither version saw an error, and the backfill finished although inserts never stopped.
 */
class ConcurrentWritesIT {

    static final int ROWS = 30_000;

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();
    final AtomicBoolean running = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final AtomicLong inserts = new AtomicLong();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("concurrent");
        ds = db.dataSource();
        Db.customers(ds, ROWS);
    }

    @AfterEach
    void tearDown() {
        running.set(false);
        db.close();
    }

    Thread writer(String name, Step step) {
        Thread t = new Thread(
                () -> {
                    long n = 0;
                    while (running.get()) {
                        try {
                            step.run(n++);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                },
                name);
        t.start();
        return t;
    }

    interface Step {
        void run(long n) throws Exception;
    }

    @Test
    void backfill_underSustainedWritesFromBothVersions_endsConsistent() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withBatchSizes(500, 200, 2_000)
                        .withTargetBatchDuration(Duration.ofMillis(20)));
        migrator.expand(plan);
        Apps.V1 v1 = new Apps.V1(db.newDataSource(2, "v1"));
        Apps.V2 v2 = new Apps.V2(db.newDataSource(2, "v2"));
        List<Thread> threads = new ArrayList<>();
        threads.add(writer("v1-insert", n -> {
            v1.insert("v1 " + n, "v1-" + n + "@example.com", n + " Elm St, Salem, OR, 97301");
            inserts.incrementAndGet();
        }));
        threads.add(writer("v2-insert", n -> {
            v2.insert("v2 " + n, "v2-" + n + "@example.com", new Address(n + " Oak Ave", "Dover", "DE", "19901"));
            inserts.incrementAndGet();
        }));
        threads.add(writer(
                "v1-update",
                n -> v1.updateAddress(
                        1 + ThreadLocalRandom.current().nextInt(ROWS), n + " Pine Rd, Provo, UT, 84601")));
        threads.add(writer(
                "v2-update",
                n -> v2.update(
                        1 + ThreadLocalRandom.current().nextInt(ROWS),
                        new Address(n + " Birch Ln", "Tulsa", "OK", "74101"))));

        long before = inserts.get();
        BackfillReport report = migrator.backfill(plan);
        long during = inserts.get() - before;
        long atEnd = inserts.get();
        // the backfill returned while the writers were still inserting: it does not chase new rows
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inserts.get() <= atEnd + 10 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(errors).isEmpty();
        assertThat(during).isPositive();
        assertThat(inserts.get()).isGreaterThan(atEnd + 10);
        assertThat(report.batches()).isGreaterThan(5);
        VerifyReport verify = migrator.verify(plan);
        assertThat(verify.inconsistentRows()).isZero();
        assertThat(verify.unmappedRows()).isZero();
        assertThat(verify.rowsChecked()).isEqualTo(ROWS + inserts.get());
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE street_address IS NULL OR address IS NULL"))
                .isZero();
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.VERIFIED);
    }

    /**
     * The batch has locked row 1 and waits for row 2, which an application transaction holds; that transaction then
     * updates row 1, long enough after the batch began to wait that its own deadlock check runs first. The batch must
     * have given up its wait by then (and be retried), so the application's transaction never is the deadlock's
     * victim, even with a batch lock timeout far above deadlock_timeout.
     */
    @Test
    void backfill_waitingForAnApplicationRow_yieldsBeforeTheApplicationCouldLoseADeadlock() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withBatchSizes(100, 100, 100)
                        .withBatchTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(10)));
        migrator.expand(plan);
        long deadlockMs = Db.count(ds, "SELECT setting::bigint FROM pg_settings WHERE name = 'deadlock_timeout'");
        assertThat(deadlockMs).as("deadlock_timeout (ms) of the test server").isLessThan(2_000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection app = ds.getConnection();
                Statement s = app.createStatement()) {
            app.setAutoCommit(false);
            s.execute("UPDATE customers SET address = '2 Held St, Austin, TX, 73301' WHERE id = 2");
            Future<BackfillReport> backfill = pool.submit(() -> migrator.backfill(plan));
            // the batch has locked row 1 and waits for row 2 (or has already given up once)
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (Db.count(ds, "SELECT count(*) FROM pg_locks WHERE NOT granted") == 0 && System.nanoTime() < until) {
                Thread.sleep(2);
            }
            // past the batch's own deadlock check: the next check would be the application's
            Thread.sleep(2 * deadlockMs);
            s.execute("UPDATE customers SET name = 'Held too' WHERE id = 1");
            app.commit();
            BackfillReport report = backfill.get(2, TimeUnit.MINUTES);
            assertThat(report.rowsFilled()).isPositive();
        } finally {
            pool.shutdownNow();
        }
        VerifyReport verify = migrator.verify(plan);
        assertThat(verify.inconsistentRows()).isZero();
        assertThat(Db.strings(ds, "SELECT name || '/' || city FROM customers WHERE id IN (1, 2) ORDER BY id"))
                .containsExactly("Held too/Springfield", "Customer 2/Austin");
    }
}
