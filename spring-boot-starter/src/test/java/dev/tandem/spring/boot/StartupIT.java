package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.plan.ColumnType;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The startup expand against a real PostgreSQL. */
class StartupIT {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger initializerLog = (Logger) LoggerFactory.getLogger(TandemMigrationInitializer.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        initializerLog.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        initializerLog.detachAppender(logs);
    }

    @Test
    void startup_pendingPlans_expandedInCatalogOrder() throws Exception {
        try (TestDatabase db = Db.withParcels(50)) {
            Db.runner(db)
                    .withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        PostgresMigrator migrator = context.getBean(PostgresMigrator.class);
                        assertThat(migrator.status(TestPlans.WEIGHT_KG).state()).isEqualTo(PlanState.EXPANDED);
                        assertThat(migrator.status(TestPlans.LABEL).state()).isEqualTo(PlanState.EXPANDED);
                    });
            assertThat(Db.parcelsColumns(db)).containsExactly("id", "weight_grams", "weight_kg", "label");
            // the sync trigger works: an old-version write fills the new column
            Db.execute(db, "INSERT INTO parcels (id, weight_grams) VALUES (1000, 2500)");
            assertThat(Db.strings(db, "SELECT weight_kg FROM parcels WHERE id = 1000"))
                    .containsExactly("2.500");
            // catalog order: 1-... before 2-...
            assertThat(Db.strings(
                            db,
                            "SELECT plan_id FROM tandem.events WHERE phase = 'expand' AND outcome = 'ok'"
                                    + " GROUP BY plan_id ORDER BY min(id)"))
                    .containsExactly(TestPlans.WEIGHT_KG_ID, TestPlans.LABEL.id());
            assertThat(logs.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("Tandem: expanded 2 of 2 plans on startup in "));
        }
    }

    @Test
    void startup_expandOnStartupFalse_leavesPlansPending() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            Db.runner(db).withPropertyValues("tandem.expand-on-startup=false").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(TandemMigrationInitializer.class);
                assertThat(context.getBean(PostgresMigrator.class)
                                .status(TestPlans.WEIGHT_KG)
                                .state())
                        .isEqualTo(PlanState.PENDING);
            });
            assertThat(Db.parcelsColumns(db)).containsExactly("id", "weight_grams");
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("none");
        }
    }

    @Test
    void startup_verifiedPlan_neverContracted() throws Exception {
        try (TestDatabase db = Db.withParcels(20)) {
            PostgresMigrator.create(db.dataSource()).runTo(TestPlans.WEIGHT_KG, PlanState.VERIFIED);
            Db.runner(db)
                    .withPropertyValues("tandem.backfill-on-startup=true")
                    .run(context -> assertThat(context).hasNotFailed());
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("VERIFIED");
            // contract would have dropped weight_grams and the sync trigger
            assertThat(Db.parcelsColumns(db)).containsExactly("id", "weight_grams", "weight_kg");
            assertThat(Db.count(db, "SELECT count(*) FROM tandem.events WHERE phase = 'contract'"))
                    .isZero();
        }
    }

    @Test
    void startup_anotherRunnerHoldsThePlan_backsOffWithWarningAndStarts() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            Db.holdingRunnerLock(
                    db,
                    TestPlans.WEIGHT_KG_ID,
                    () -> Db.runner(db)
                            .withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL)
                            .run(context -> assertThat(context).hasNotFailed()));
            // the holder runs the plans; this instance ran none, not even the later one
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("none");
            assertThat(Db.state(db, TestPlans.LABEL.id())).isEqualTo("none");
            assertThat(logs.list)
                    .filteredOn(e -> e.getLevel() == Level.WARN)
                    .singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .satisfies(m -> assertThat(m)
                            .startsWith(TestPlans.WEIGHT_KG_ID + " - Another runner holds the plan's runner lock: pid ")
                            .contains("application 'tandem-test'")
                            .contains(
                                    ". The plan is now PENDING; this instance leaves it and the pending plans after it to that"
                                            + " runner and starts.")
                            .endsWith("Set tandem.runner-lock-wait to wait for it, or tandem.fail-on-locked=true to"
                                    + " fail the startup instead."));
        }
    }

    @Test
    void startup_anotherRunnerHoldsThePlanAndFailOnLocked_fails() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            Db.holdingRunnerLock(
                    db,
                    TestPlans.WEIGHT_KG_ID,
                    () -> Db.runner(db)
                            .withPropertyValues("tandem.fail-on-locked=true")
                            .run(context -> assertThat(context)
                                    .getFailure()
                                    .rootCause()
                                    .isInstanceOf(LockNotAcquiredException.class)
                                    .hasMessageStartingWith("Cannot run expand of plan '" + TestPlans.WEIGHT_KG_ID
                                            + "': another runner holds the plan's lock: pid ")
                                    .hasMessageEndingWith("[TANDEM-0310]")));
        }
    }

    @Test
    void startup_runnerLockWait_waitsForTheOtherRunner() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            CountDownLatch locked = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                try {
                    Db.holdingRunnerLock(db, TestPlans.WEIGHT_KG_ID, () -> {
                        locked.countDown();
                        // release once Tandem's session has tried the lock at least once
                        Db.awaitUnchecked(
                                Duration.ofSeconds(20),
                                "Tandem to try the plan's lock",
                                () -> Db.count(
                                                db,
                                                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tandem'"
                                                        + " AND query LIKE '%pg_try_advisory_lock%'")
                                        > 0);
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(locked.await(20, TimeUnit.SECONDS)).isTrue();
            Db.runner(db)
                    .withPropertyValues("tandem.runner-lock-wait=30s")
                    .run(context -> assertThat(context).hasNotFailed());
            holder.get(20, TimeUnit.SECONDS);
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("EXPANDED");
            assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN);
        }
    }

    @Test
    void startup_planDoesNotFitTheDatabase_failsWithTandemMessage() throws Exception {
        try (TestDatabase db = Db.fresh()) {
            Db.runner(db)
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(PlanValidationException.class)
                            .hasMessageContaining(TestPlans.WEIGHT_KG_ID)
                            .hasMessageContaining("parcels")
                            .hasMessageEndingWith("[TANDEM-0110]"));
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("none");
        }
    }

    @Test
    void startup_planChangedAfterItStarted_failsWithTandemMessage() throws Exception {
        try (TestDatabase db = Db.withParcels(10)) {
            MigrationPlan started = TestPlans.weightKg(ColumnType.numeric(12, 3));
            // interrupted mid-expand: EXPANDING, so the startup would resume it
            PostgresMigrator.create(db.dataSource()).expand(started);
            Db.execute(db, "UPDATE tandem.plans SET state = 'EXPANDING'");
            Db.runner(db)
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .isInstanceOf(PlanStateException.class)
                            .hasMessageStartingWith("Plan '" + TestPlans.WEIGHT_KG_ID + "' changed after it started")
                            .hasMessageEndingWith("[TANDEM-0410]"));
            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("EXPANDING");
        }
    }
}
