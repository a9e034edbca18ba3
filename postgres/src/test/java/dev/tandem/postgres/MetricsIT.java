package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.PlanCatalog;
import dev.tandem.postgres.metrics.TandemMetrics;
import dev.tandem.testkit.database.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The documented meters appear, tagged by plan, while a backfill runs and after a status read. */
class MetricsIT {

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("metrics");
        ds = db.dataSource();
        Db.customers(ds, 3_000);
        Db.exec(ds, "UPDATE customers SET address = 'no commas here' WHERE id % 1000 = 0");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void backfill_publishesRowsBatchesAndRate_duringTheRun_andStatusPublishesStateAndUnmapped() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TandemMetrics metrics = new TandemMetrics(registry);
        PostgresMigrator migrator = PostgresMigrator.create(
                ds, metrics.bindTo(PostgresOptions.defaults().withBatchSizes(500, 500, 500)));
        migrator.expand(plan);
        assertThat(registry.get(TandemMetrics.UNIT)
                        .tag("plan", plan.id())
                        .tag("phase", "expand")
                        .timer()
                        .count())
                .isPositive();

        List<Double> rowsSeen = new ArrayList<>();
        List<Double> rowsDone = new ArrayList<>();
        migrator.backfill(plan, p -> {
            rowsSeen.add(registry.get(TandemMetrics.ROWS)
                    .tag("plan", plan.id())
                    .counter()
                    .count());
            rowsDone.add((double) p.rowsDone());
        });
        // the counter grew batch by batch while the backfill ran (the call's listener runs after the metrics'), by
        // the rows filled: the three unmappable ones are recorded, not filled
        assertThat(rowsSeen).hasSize(6).isEqualTo(rowsDone).startsWith(500.0).endsWith(2_997.0);
        assertThat(registry.get(TandemMetrics.BATCH)
                        .tag("plan", plan.id())
                        .timer()
                        .count())
                .isEqualTo(6);
        assertThat(registry.get(TandemMetrics.RATE)
                        .tag("plan", plan.id())
                        .gauge()
                        .value())
                .isPositive();
        assertThat(registry.get(TandemMetrics.REMAINING).tag("plan", plan.id()).gauge())
                .isNotNull();

        metrics.record(migrator.status(PlanCatalog.of(plan)));
        assertThat(registry.get(TandemMetrics.UNMAPPED)
                        .tag("plan", plan.id())
                        .gauge()
                        .value())
                .isEqualTo(3.0);
        assertThat(registry.get(TandemMetrics.STATE)
                        .tag("plan", plan.id())
                        .tag("state", "BACKFILLED")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get(TandemMetrics.STATE)
                        .tag("plan", plan.id())
                        .tag("state", "EXPANDED")
                        .gauge()
                        .value())
                .isZero();
    }
}
