package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.metrics.TandemMetrics;
import dev.tandem.testkit.database.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code tandem.backfill-on-startup}: the background backfill, its meters, and its stop on close. */
class BackfillIT {

    private static final int ROWS = 5_000;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger backfillLog = (Logger) LoggerFactory.getLogger(BackgroundBackfill.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        backfillLog.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        backfillLog.detachAppender(logs);
    }

    @Test
    void backgroundBackfill_expandedPlans_reachBackfilledWithMeters() throws Exception {
        try (TestDatabase db = Db.withParcels(ROWS)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Db.runner(db)
                    .withPropertyValues("tandem.backfill-on-startup=true", "tandem.backfill-threads=2")
                    .withBean(MeterRegistry.class, () -> registry)
                    .withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL)
                    .withBean(TandemOptionsCustomizer.class, () -> o -> o.withBatchSizes(500, 100, 500))
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(TandemMetrics.class);
                        PostgresMigrator migrator = context.getBean(PostgresMigrator.class);
                        // the gauges are refreshed by the status read after each background backfill
                        Db.await(
                                Duration.ofSeconds(30),
                                "both plans' state gauges to say BACKFILLED",
                                () -> state(registry, TestPlans.WEIGHT_KG_ID, PlanState.BACKFILLED) == 1.0
                                        && state(registry, TestPlans.LABEL.id(), PlanState.BACKFILLED) == 1.0);
                        assertThat(migrator.status(TestPlans.WEIGHT_KG).state()).isEqualTo(PlanState.BACKFILLED);
                        assertThat(migrator.status(TestPlans.LABEL).state()).isEqualTo(PlanState.BACKFILLED);
                        assertThat(migrator.status(TestPlans.WEIGHT_KG).newVersionMayRun())
                                .isTrue();
                        assertThat(state(registry, TestPlans.WEIGHT_KG_ID, PlanState.EXPANDED))
                                .isZero();
                        Counter rows = registry.find(TandemMetrics.ROWS)
                                .tag("plan", TestPlans.WEIGHT_KG_ID)
                                .counter();
                        assertThat(rows).isNotNull();
                        assertThat(rows.count()).isEqualTo(ROWS);
                    });
            assertThat(Db.count(
                            db, "SELECT count(*) FROM parcels WHERE weight_kg IS DISTINCT FROM weight_grams / 1000.0"))
                    .isZero();
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    @Test
    void backgroundBackfill_contextClosed_stopsAfterABatchAndResumesOnTheNextRun() throws Exception {
        try (TestDatabase db = Db.withParcels(ROWS)) {
            CountDownLatch threeBatches = new CountDownLatch(3);
            AtomicInteger batchesAfterClose = new AtomicInteger();
            CountDownLatch closed = new CountDownLatch(1);
            Db.runner(db)
                    .withPropertyValues("tandem.backfill-on-startup=true")
                    .withBean(
                            TandemOptionsCustomizer.class,
                            () -> o -> o.withBatchSizes(100, 100, 100)
                                    .withBatchPause(Duration.ofMillis(100))
                                    .withBackfillListener(p -> {
                                        threeBatches.countDown();
                                        if (closed.getCount() == 0) {
                                            batchesAfterClose.incrementAndGet();
                                        }
                                    }))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(threeBatches.await(30, TimeUnit.SECONDS)).isTrue();
                    });
            closed.countDown();
            // 50 batches with 100 ms pauses would take 5 s; the context stopped the backfill well before
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("BACKFILLING");
            assertThat(Db.strings(db, "SELECT coalesce(last_error, '') FROM tandem.plans"))
                    .containsExactly("");
            long done = Db.count(db, "SELECT sum(rows_done) FROM tandem.backfills");
            assertThat(done).isBetween(300L, ROWS - 100L);
            assertThat(batchesAfterClose).hasValue(0);
            assertThat(logs.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(
                            m -> assertThat(m).startsWith(TestPlans.WEIGHT_KG_ID + " - Background backfill stopped"));
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));

            // the runner lock was released and the cursor kept: a new run resumes and finishes
            var report = PostgresMigrator.create(db.dataSource()).backfill(TestPlans.WEIGHT_KG);
            assertThat(report.rowsFilled()).isEqualTo(ROWS - done);
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("BACKFILLED");
            assertThat(Db.count(
                            db, "SELECT count(*) FROM parcels WHERE weight_kg IS DISTINCT FROM weight_grams / 1000.0"))
                    .isZero();
        }
    }

    @Test
    void backgroundBackfill_off_leavesPlansExpanded() throws Exception {
        try (TestDatabase db = Db.withParcels(100)) {
            Db.runner(db).run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BackgroundBackfill.class));
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("EXPANDED");
        }
    }

    private static double state(MeterRegistry registry, String planId, PlanState state) {
        Gauge g = registry.find(TandemMetrics.STATE)
                .tag("plan", planId)
                .tag("state", state.name())
                .gauge();
        return g == null ? -1 : g.value();
    }
}
