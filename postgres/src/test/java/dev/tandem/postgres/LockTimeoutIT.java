package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tutorial's app leaves sessions idle in transaction holding a read lock on {@code customers}. Expand's DDL must
 * wait at most its lock timeout per attempt, never queue other clients behind it for longer, succeed once the session
 * ends, and fail within its deadline, naming the session, if it never does.
 */
class LockTimeoutIT {

    static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("locks");
        ds = db.dataSource();
        Db.customers(ds, 1_000);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Opens a session that reads customers and stays idle in transaction, like the tutorial's db.query(). */
    Connection idleReader(String applicationName) throws SQLException {
        Connection c = db.newDataSource(1, applicationName).getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM customers WHERE id = 1")) {
            rs.next();
        }
        return c;
    }

    /** The pid of the session with this application name, looked up from another session. */
    int pid(String applicationName) throws SQLException {
        return (int) Db.count(ds, "SELECT pid FROM pg_stat_activity WHERE application_name = ?", applicationName);
    }

    @Test
    void expand_behindIdleTransaction_othersNeverQueueLongerThanLockTimeoutAndDdlSucceedsWhenItEnds() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withLockTimeout(LOCK_TIMEOUT)
                        .withLockRetryDeadline(Duration.ofSeconds(60))
                        .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200)));
        Connection blocker = idleReader("tutorial-v1");
        CompletableFuture<PlanStatus> expand = CompletableFuture.supplyAsync(() -> migrator.expand(plan));

        // While the blocker holds its lock (seconds), other clients keep reading: each waits at most one lock_timeout
        // behind a pending DDL attempt. Without lock_timeout they would all wait for the blocker to end.
        long reads = 0;
        try (Connection reader = db.newDataSource(1, "other-client").getConnection();
                Statement s = reader.createStatement()) {
            s.execute("SET statement_timeout = '" + (LOCK_TIMEOUT.toMillis() + 1_300) + "ms'");
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until || lockTimeouts() < 3) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM customers WHERE id = 2")) {
                    rs.next();
                    reads++;
                }
            }
        }
        assertThat(expand).isNotDone();
        assertThat(reads).isGreaterThan(3);
        assertThat(lockTimeouts()).isGreaterThanOrEqualTo(3);
        assertThat(Db.columns(ds, "customers")).doesNotContain("street_address");

        blocker.rollback();
        blocker.close();
        assertThat(expand.get(60, TimeUnit.SECONDS).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.columns(ds, "customers")).contains("street_address", "city", "state", "zip_code");
    }

    long lockTimeouts() throws SQLException {
        if (Db.count(ds, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('tandem.events')") == 0) {
            return 0;
        }
        return Db.count(ds, "SELECT count(*) FROM tandem.events WHERE outcome = 'lock-timeout'");
    }

    @Test
    void expand_blockerNeverEnds_failsWithinDeadlineNamingTheSessionAndChangesNothing() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withLockTimeout(Duration.ofMillis(100))
                        .withLockRetryDeadline(Duration.ofMillis(1_500))
                        .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200)));
        try (Connection blocker = idleReader("tutorial-v1")) {
            int pid = pid("tutorial-v1");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> migrator.expand(plan))
                    .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
                        assertThat(e.blockers())
                                .extracting(LockNotAcquiredException.BlockingSession::pid)
                                .contains(pid);
                    })
                    .hasMessageContaining(
                            "Expand step 'customers.address/add-street_address' of plan"
                                    + " 'customers-address-split' could not lock \"public\".\"customers\" in ACCESS EXCLUSIVE mode")
                    .hasMessageContaining("Blocked by: pid " + pid + " (idle in transaction, transaction open ")
                    .hasMessageContaining(
                            "holds AccessShareLock, application 'tutorial-v1', query: SELECT * FROM customers WHERE id = 1)")
                    .hasMessageContaining("SELECT pg_terminate_backend(" + pid + ")")
                    .hasMessageContaining("raise PostgresOptions.lockRetryDeadline (now PT1.5S)")
                    .hasMessageEndingWith("[TANDEM-0300]");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(Db.columns(ds, "customers"))
                    .containsExactly("id", "name", "email", "address", "created_at", "updated_at");
            PlanStatus status = migrator.status(plan);
            assertThat(status.state()).isEqualTo(PlanState.EXPANDING);
            assertThat(status.lastError()).contains("could not lock");
            blocker.rollback();
        }
        // the session is gone: running expand again resumes and finishes
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
    }
}
