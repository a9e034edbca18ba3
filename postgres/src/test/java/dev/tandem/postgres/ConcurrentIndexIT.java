package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A raw {@code CREATE INDEX CONCURRENTLY} that times out while it waits for an old transaction leaves an INVALID index;
 * the runner drops it before each retry, so the build succeeds once the transaction ends, and the index is valid.
 */
class ConcurrentIndexIT {

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("cic");
        ds = db.dataSource();
        Db.customers(ds, 1_000);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void createIndexConcurrently_timesOutBehindAnOldTransaction_retriesWithoutLeftoversAndEndsValid() throws Exception {
        MigrationPlan plan = MigrationPlan.named("customers-name-index")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_name_idx"),
                        "index for version 2's search by name")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withLockTimeout(Duration.ofMillis(100))
                        .withLockRetryDeadline(Duration.ofSeconds(60))
                        .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200)));
        CompletableFuture<PlanStatus> expand;
        try (Connection old = db.newDataSource(1, "old-transaction").getConnection()) {
            old.setAutoCommit(false);
            try (Statement s = old.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
                rs.next();
            }
            expand = CompletableFuture.supplyAsync(() -> migrator.expand(plan));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lockTimeouts() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(lockTimeouts()).isGreaterThanOrEqualTo(3);
            assertThat(expand).isNotDone();
            old.rollback();
        }
        assertThat(expand.get(60, TimeUnit.SECONDS).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.count(
                        ds,
                        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                                + " WHERE c.relname LIKE 'customers_name_idx%' AND i.indisvalid"))
                .isEqualTo(1);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                .isZero();
    }

    long lockTimeouts() throws Exception {
        return Db.count(ds, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('tandem.events')") == 1
                ? Db.count(ds, "SELECT count(*) FROM tandem.events WHERE outcome = 'lock-timeout'")
                : 0;
    }
}
