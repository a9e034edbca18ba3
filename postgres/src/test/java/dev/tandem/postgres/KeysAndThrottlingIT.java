package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Composite, non-numeric and quoted keys; the health gate between batches. */
class KeysAndThrottlingIT {

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() {
        db = Db.fresh("keys");
        ds = db.dataSource();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void backfillAndVerify_compositeUuidTextKeyAndQuotedNames_coverEveryRowOnce() throws Exception {
        Db.exec(
                ds,
                "CREATE TABLE \"Order Lines\" (order_id uuid, \"Line\" text, qty integer, PRIMARY KEY (order_id, \"Line\"))");
        Db.exec(
                ds,
                "INSERT INTO \"Order Lines\" SELECT md5((g / 7)::text)::uuid, 'line-' || (g % 7) || CASE WHEN g % 3 = 0"
                        + " THEN ' with ''quote''' ELSE '' END, g FROM generate_series(1, 7000) g");
        MigrationPlan plan = MigrationPlan.named("lines")
                .deriveColumns(DeriveColumns.on(TableName.of("Order Lines"))
                        .from("qty")
                        .into("quantity", ColumnType.BIGINT, SqlExpression.trusted("qty"))
                        .into("qty_label", ColumnType.TEXT, SqlExpression.trusted("'#' || qty"))
                        .backward("qty", SqlExpression.trusted("quantity")))
                .build();
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withBatchSizes(333, 100, 333));

        migrator.expand(plan);
        BackfillReport report = migrator.backfill(plan);
        VerifyReport verify = migrator.verify(plan);

        assertThat(report.rowsFilled()).isEqualTo(7_000);
        assertThat(report.batches()).isEqualTo(22); // ceil(7000 / 333): each row in exactly one range
        assertThat(verify.rowsChecked()).isEqualTo(7_000);
        assertThat(verify.contractable()).isTrue();
        assertThat(Db.count(ds, "SELECT count(*) FROM \"Order Lines\" WHERE quantity = qty AND qty_label = '#' || qty"))
                .isEqualTo(7_000);
    }

    @Test
    void backfill_healthCheckFalse_waitsBeforeEveryBatchUntilItTurnsTrue() throws Exception {
        Db.customers(ds, 2_000);
        Db.exec(ds, "CREATE TABLE gate (open boolean NOT NULL, asked integer NOT NULL)");
        Db.exec(ds, "INSERT INTO gate VALUES (false, 0)");
        // each health check counts itself, so the test can wait for it instead of sleeping
        Db.exec(
                ds,
                "CREATE FUNCTION gate_open() RETURNS boolean LANGUAGE sql AS"
                        + " 'UPDATE gate SET asked = asked + 1 RETURNING open'");
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withHealthCheck(SqlStatement.trusted("SELECT gate_open()"), Duration.ofMillis(20)));
        migrator.expand(plan);

        CompletableFuture<BackfillReport> run = CompletableFuture.supplyAsync(() -> migrator.backfill(plan));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Db.count(ds, "SELECT asked FROM gate") < 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(Db.count(ds, "SELECT asked FROM gate")).isGreaterThanOrEqualTo(5);
        assertThat(Db.count(ds, "SELECT coalesce(sum(rows_done), 0) FROM tandem.backfills"))
                .isZero();
        assertThat(run).isNotDone();

        Db.exec(ds, "UPDATE gate SET open = true");
        assertThat(run.get(60, TimeUnit.SECONDS).rowsFilled()).isEqualTo(2_000);
    }
}
