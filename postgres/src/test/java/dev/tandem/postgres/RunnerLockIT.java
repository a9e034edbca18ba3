package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two executors started on the same plan: exactly one runs it; the other fails clearly or waits. */
class RunnerLockIT {

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("runners");
        ds = db.dataSource();
        Db.customers(ds, 5_000);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void secondRunner_whileFirstRuns_failsNamingTheHolder_orWaitsWhenAskedTo() throws Exception {
        PostgresMigrator first = PostgresMigrator.create(
                db.newDataSource(2, "first"), PostgresOptions.defaults().withBatchSizes(1_000, 1_000, 1_000));
        first.expand(plan);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        CompletableFuture<BackfillReport> running = CompletableFuture.supplyAsync(() -> first.backfill(plan, p -> {
            if (p.batches() == 1) {
                paused.countDown();
                await(resume);
            }
        }));
        assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();
        long holder = Db.count(ds, "SELECT pid FROM pg_stat_activity WHERE application_name = 'tandem'");

        PostgresMigrator second = PostgresMigrator.create(db.newDataSource(2, "second"));
        assertThatThrownBy(() -> second.backfill(plan))
                .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.RUNNER_LOCKED);
                    assertThat(e.blockers())
                            .extracting(LockNotAcquiredException.BlockingSession::pid)
                            .containsExactly((int) holder);
                })
                .hasMessageStartingWith("Cannot run backfill of plan 'customers-address-split': another runner holds"
                        + " the plan's lock: pid " + holder + " (")
                .hasMessageEndingWith("Only one runner may work on a plan at a time; nothing was changed. Let the other"
                        + " runner finish, or set PostgresOptions.runnerLockWait (now PT0S) to wait for it. If that"
                        + " runner is gone and its session stays (idle, after a network failure), end the"
                        + " session: SELECT pg_terminate_backend(<pid>). [TANDEM-0310]");
        assertThatThrownBy(() -> second.verify(plan)).isInstanceOf(LockNotAcquiredException.class);

        // a runner told to wait does so, then finds the work done
        CompletableFuture<BackfillReport> waiting = CompletableFuture.supplyAsync(
                () -> second.withOptions(second.options().withRunnerLockWait(Duration.ofSeconds(60)))
                        .backfill(plan));
        resume.countDown();
        assertThat(running.get(60, TimeUnit.SECONDS).rowsFilled()).isEqualTo(5_000);
        assertThat(waiting.get(60, TimeUnit.SECONDS).rowsFilled()).isZero();
        assertThat(first.status(plan).state()).isEqualTo(PlanState.BACKFILLED);
    }

    @Test
    void tenPodsStartingAtOnce_expandRunsExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<PlanStatus>> pods = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 10; i++) {
                DataSource podDs = db.newDataSource(1, "pod-" + i);
                PostgresMigrator pod = PostgresMigrator.create(
                        podDs, PostgresOptions.defaults().withRunnerLockWait(Duration.ofSeconds(60)));
                pods.add(pool.submit(() -> {
                    start.await();
                    return pod.expand(plan);
                }));
            }
            start.countDown();
            for (Future<PlanStatus> pod : pods) {
                assertThat(pod.get(90, TimeUnit.SECONDS).state()).isEqualTo(PlanState.EXPANDED);
            }
        } finally {
            pool.shutdownNow();
        }
        // each step ran once: one successful event per unit, and no failed attempt
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.events WHERE phase = 'expand' AND outcome = 'ok'"))
                .isEqualTo(5);
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.events WHERE outcome <> 'ok'"))
                .isZero();
        // BEFORE INSERT, BEFORE UPDATE of the old side and key, BEFORE UPDATE of the new side, and one AFTER INSERT OR
        // UPDATE statement trigger that records unmapped values
        assertThat(Db.triggers(ds, "customers")).isEqualTo(4);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
