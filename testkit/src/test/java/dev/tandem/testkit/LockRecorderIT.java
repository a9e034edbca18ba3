package dev.tandem.testkit;

import static dev.tandem.testkit.TandemAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.PostgresMigrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@TandemTest
class LockRecorderIT {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    @Test
    void record_addColumn_takesAccessExclusiveWithoutRewrite(DataSource ds, LockRecorder recorder) throws SQLException {
        TableName table = createTable(ds, "add_column");

        RecordedUnit unit = recorder.record("ALTER TABLE add_column ADD COLUMN note text");

        assertThat(unit.locksOn(table)).extracting(RelationLock::mode).containsExactly(LockMode.ACCESS_EXCLUSIVE);
        assertThat(unit.rewritten()).isEmpty();
        assertThat(unit)
                .tookLock(table, LockMode.ACCESS_EXCLUSIVE)
                .takesNoLockBlockingReadsLongerThan(GENEROUS)
                .rewritesNoTable();
        assertThatThrownBy(() -> assertThat(unit).takesNoLockBlockingWrites())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(
                        "Expected no lock blocking writes, but found: ACCESS EXCLUSIVE on" + " public.add_column for ")
                .hasMessageContaining("Recorded units (one unit):\n  sql ALTER TABLE add_column ADD COLUMN note text");
        assertThatThrownBy(() -> assertThat(unit).takesNoLockBlockingReadsLongerThan(Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected no lock blocking reads for longer than 0 ms, but found: ACCESS"
                        + " EXCLUSIVE on public.add_column");
    }

    @Test
    void record_createIndexConcurrently_takesShareUpdateExclusiveAndWritesGoOn(DataSource ds, LockRecorder recorder)
            throws Exception {
        TableName table = createTable(ds, "cic");
        // An open writing transaction makes CREATE INDEX CONCURRENTLY wait, so the sampler surely sees its lock, and
        // shows that writes from other sessions go on meanwhile.
        try (Connection blocker = ds.getConnection()) {
            blocker.setAutoCommit(false);
            exec(blocker, "INSERT INTO cic (code) VALUES ('blocker')");
            CompletableFuture<RecordedUnit> index = CompletableFuture.supplyAsync(
                    () -> recorder.record("CREATE INDEX CONCURRENTLY cic_code ON cic (code)"));
            awaitWaiting(ds, "CREATE INDEX CONCURRENTLY%");
            try (Connection writer = ds.getConnection()) {
                exec(writer, "SET statement_timeout = '5s'");
                exec(writer, "INSERT INTO cic (code) VALUES ('written while the index builds')");
            }
            blocker.commit();

            RecordedUnit unit = index.get(30, TimeUnit.SECONDS);
            assertThat(unit.transactional()).isFalse();
            assertThat(unit)
                    .tookLock(table, LockMode.SHARE_UPDATE_EXCLUSIVE)
                    .takesNoLockBlockingWrites()
                    .takesNoLockBlockingReadsLongerThan(Duration.ZERO)
                    .rewritesNoTable();
            assertThat(unit.locksOn(table)).allMatch(l -> l.mode() == LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
        TandemAssertions.assertThatSchema(ds).hasValidIndex(table, "cic_code");
    }

    @Test
    void record_typeChangeInPlace_rewritesTheTable(DataSource ds, LockRecorder recorder) throws SQLException {
        TableName table = createTable(ds, "type_change");

        RecordedUnit rewrite = recorder.record("ALTER TABLE type_change ALTER COLUMN qty TYPE bigint");
        RecordedUnit noRewrite = recorder.record("ALTER TABLE type_change ALTER COLUMN code TYPE varchar(500)");

        assertThat(rewrite.rewritten()).containsExactly(TableName.of("public", "type_change"));
        assertThat(rewrite).rewrote(table).tookLock(table, LockMode.ACCESS_EXCLUSIVE);
        assertThatThrownBy(() -> assertThat(rewrite).rewritesNoTable())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected no table rewrite, but rewrote public.type_change (sql: ALTER TABLE"
                        + " type_change ALTER COLUMN qty TYPE bigint).");
        // Widening a varchar keeps the storage: same lock, no rewrite. (text -> varchar(n) would rewrite.)
        assertThat(noRewrite).rewritesNoTable().tookLock(table, LockMode.ACCESS_EXCLUSIVE);
        assertThatThrownBy(() -> assertThat(noRewrite).rewrote(table))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected type_change to be rewritten, but it was not.\nRecorded units (one unit):\n  "
                        + noRewrite);
        assertThat(recorder).phase("sql").rewrote(table);
        assertThat(recorder.units("sql")).hasSize(2);
    }

    @Test
    void migrator_expand_recordsEveryUnitFromPostgres(DataSource ds, PostgresMigrator migrator, LockRecorder recorder)
            throws Exception {
        CustomersAddress.exec(ds, "DROP TABLE IF EXISTS customers");
        CustomersAddress.SCHEMA.run(ds);
        CustomersAddress.SEED.run(ds);
        MigrationPlan plan = CustomersAddress.plan();
        TableName customers = CustomersAddress.CUSTOMERS;

        var unused = migrator.expand(plan);

        assertThat(recorder)
                .phase("expand")
                .takesNoLockBlockingReadsLongerThan(GENEROUS)
                .rewritesNoTable()
                .tookLock(customers, LockMode.ACCESS_EXCLUSIVE);
        assertThat(recorder)
                .step("customers.address/sync")
                .tookLock(customers, LockMode.SHARE_ROW_EXCLUSIVE)
                .takesNoLockBlockingReadsLongerThan(Duration.ZERO);
        assertThat(recorder.units("expand"))
                .flatExtracting(RecordedUnit::locks)
                .extracting(l -> l.table().name().value())
                .containsOnly("customers");
        assertThatThrownBy(() -> assertThat(recorder).phase("contract"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected recorded units of phase contract, but there are none.");

        var unused2 = migrator.rollback(plan);
        assertThat(recorder).phase("rollback").rewritesNoTable();
        TandemAssertions.assertThatSchema(ds).hasNoTandemLeftovers().doesNotHaveColumn(customers, "city");
    }

    @Test
    void migrator_rawIndexOutsideTransaction_takesNoWriteBlockingLock(
            DataSource ds, PostgresMigrator migrator, LockRecorder recorder) throws SQLException {
        TableName table = createTable(ds, "raw_index");
        MigrationPlan plan = MigrationPlan.named("raw-index")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY raw_index_code ON raw_index (code)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY raw_index_code"),
                        "an index built without blocking writes")
                .build();

        var unused = migrator.expand(plan);

        assertThat(recorder.units("expand")).singleElement().satisfies(u -> {
            assertThat(u.transactional()).isFalse();
            assertThat(u.stepIds()).containsExactly("raw-1/expand");
        });
        assertThat(recorder).phase("expand").takesNoLockBlockingWrites().rewritesNoTable();
        TandemAssertions.assertThatSchema(ds).hasValidIndex(table, "raw_index_code");
    }

    private static TableName createTable(DataSource ds, String name) throws SQLException {
        CustomersAddress.exec(
                ds,
                "CREATE TABLE " + name + " (id serial PRIMARY KEY, code varchar(100), qty integer NOT NULL DEFAULT 1)");
        CustomersAddress.exec(ds, "INSERT INTO " + name + " (code) SELECT 'c' || g FROM generate_series(1, 100) g");
        return TableName.of(name);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Polls until a session runs a statement like {@code pattern} and waits for a lock; fails after 30 s. */
    private static void awaitWaiting(DataSource ds, String pattern) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE query LIKE ?"
                        + " AND wait_event_type = 'Lock' AND datname = current_database()")) {
            ps.setString(1, pattern);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("No session ran " + pattern + " waiting for a lock within 30 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // poll again; the deadline bounds it
            }
        }
    }
}
