package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.MigrationPlan;
import dev.tandem.StepExecutionException;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A backfill interrupted mid-way resumes from its saved cursor, redoes at most one batch, and ends consistent. */
class ResumeIT {

    static final int ROWS = 20_000;
    static final int BATCH = 1_000;

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();
    PostgresMigrator migrator;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("resume");
        ds = db.dataSource();
        Db.customers(ds, ROWS);
        // fixed batch size, so "one batch" is a known number of rows
        migrator = PostgresMigrator.create(ds, PostgresOptions.defaults().withBatchSizes(BATCH, BATCH, BATCH));
        migrator.expand(plan);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void backfill_processStoppedAfterFiveBatches_resumesAfterTheLastSavedBatch() {
        assertThatThrownBy(() -> migrator.backfill(plan, p -> {
                    if (p.batches() == 5) {
                        throw new Crash(); // the process dies right after the fifth batch committed
                    }
                }))
                .isInstanceOf(Crash.class);
        PlanStatus interrupted = migrator.status(plan);
        assertThat(interrupted.state()).isEqualTo(PlanState.BACKFILLING);
        assertThat(interrupted.rowsBackfilled()).isEqualTo(5 * BATCH);

        List<BackfillProgress> progress = new ArrayList<>();
        BackfillReport resumed = migrator.backfill(plan, progress::add);
        assertThat(progress.get(0).rowsDone()).isEqualTo(6 * BATCH); // the first batch after the cursor, none redone
        assertThat(resumed.rowsFilled()).isEqualTo(ROWS - 5 * BATCH);
        assertThat(resumed.rowsTotal()).isEqualTo(ROWS);
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    @Test
    void backfill_connectionKilledMidBatch_redoesAtMostThatBatch() throws Exception {
        // a separate session terminates the backfill's backend while a batch is in flight
        CompletableFuture<BackfillReport> run = CompletableFuture.supplyAsync(() -> migrator.backfill(plan));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long killed = 0;
        while (killed == 0 && System.nanoTime() < deadline) {
            killed = Db.count(
                    ds,
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
                            + " 'tandem' AND EXISTS (SELECT 1 FROM tandem.backfills WHERE rows_done >= 3000)) k");
        }
        assertThat(killed).isEqualTo(1);
        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StepExecutionException.class)
                .hasMessageContaining("run backfill again to resume");
        long saved = migrator.status(plan).rowsBackfilled();
        assertThat(saved % BATCH).isZero(); // only whole, committed batches are saved

        BackfillReport resumed = migrator.backfill(plan);
        // every row was filled exactly once in the saved counts: the killed batch rolled back and was redone
        assertThat(saved + resumed.rowsFilled()).isEqualTo(ROWS);
        assertThat(resumed.rowsTotal()).isEqualTo(ROWS);
        VerifyReport verify = migrator.verify(plan);
        assertThat(verify.inconsistentRows()).isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE street_address IS NULL"))
                .isZero();
    }
}
