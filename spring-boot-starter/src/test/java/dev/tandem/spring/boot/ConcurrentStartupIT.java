package dev.tandem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Ten instances of an application starting at once against one database: one runs each expand, all start. */
class ConcurrentStartupIT {

    private static final int INSTANCES = 10;

    @Test
    void startup_tenInstancesAtOnce_allStartAndEachExpandStepRunsOnce() throws Exception {
        try (TestDatabase db = Db.withParcels(1_000)) {
            ApplicationContextRunner runner =
                    Db.runner(db).withBean("labelPlan", MigrationPlan.class, () -> TestPlans.LABEL);
            CyclicBarrier start = new CyclicBarrier(INSTANCES);
            ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
            try {
                List<Future<?>> instances = new ArrayList<>();
                for (int i = 0; i < INSTANCES; i++) {
                    instances.add(pool.submit(() -> runner
                            // every context refreshes the moment the last one is ready
                            .withInitializer(context -> await(start))
                            .run(context -> assertThat(context).hasNotFailed())));
                }
                for (Future<?> instance : instances) {
                    instance.get(60, TimeUnit.SECONDS); // rethrows an instance's failed assertion
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(Db.state(db, TestPlans.WEIGHT_KG_ID)).isEqualTo("EXPANDED");
            assertThat(Db.state(db, TestPlans.LABEL.id())).isEqualTo("EXPANDED");
            // Tandem's own record: every unit of each expand ran once, successfully, and nothing failed
            List<String> expandUnits = Db.strings(
                    db,
                    "SELECT plan_id || ' ' || step_id || ' ' || count(*) FROM tandem.events WHERE phase = 'expand'"
                            + " AND outcome = 'ok' GROUP BY plan_id, step_id ORDER BY plan_id, step_id");
            assertThat(expandUnits).isNotEmpty().allSatisfy(u -> assertThat(u).endsWith(" 1"));
            assertThat(expandUnits).anySatisfy(u -> assertThat(u).startsWith(TestPlans.WEIGHT_KG_ID + " "));
            assertThat(expandUnits).anySatisfy(u -> assertThat(u).startsWith(TestPlans.LABEL.id() + " "));
            assertThat(Db.count(db, "SELECT count(*) FROM tandem.events WHERE outcome <> 'ok'"))
                    .isZero();
            // and in the schema: each column once, and the sync triggers of a single expand, no more
            assertThat(Db.parcelsColumns(db)).containsExactly("id", "weight_grams", "weight_kg", "label");
            List<String> triggers = triggers(db);
            try (TestDatabase single = Db.withParcels(10)) {
                PostgresMigrator once = PostgresMigrator.create(single.dataSource());
                once.expand(TestPlans.WEIGHT_KG);
                once.expand(TestPlans.LABEL);
                assertThat(triggers).isNotEmpty().isEqualTo(triggers(single));
            }
        }
    }

    private static List<String> triggers(TestDatabase db) throws SQLException {
        return Db.strings(
                db,
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'parcels'::regclass AND NOT tgisinternal ORDER BY 1");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            var unused = barrier.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the other instances", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("The instances did not start together", e);
        }
    }
}
