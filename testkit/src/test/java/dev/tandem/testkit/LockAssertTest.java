package dev.tandem.testkit;

import static dev.tandem.testkit.TandemAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lock assertions on recorded units made up here, without a database. */
class LockAssertTest {
    private static final TableName CUSTOMERS = TableName.of("public", "customers");

    private static RecordedUnit unit(String phase, String step, LockMode mode, long millis, TableName... rewritten) {
        return new RecordedUnit(
                phase,
                List.of(step),
                List.of("ALTER TABLE customers ..."),
                true,
                Duration.ofMillis(millis),
                List.of(new RelationLock(CUSTOMERS, mode, Duration.ofMillis(millis))),
                List.of(rewritten),
                List.of());
    }

    private static final RecordedUnit ADD = unit("expand", "c/add", LockMode.ACCESS_EXCLUSIVE, 3);
    private static final RecordedUnit SYNC = unit("expand", "c/sync", LockMode.SHARE_ROW_EXCLUSIVE, 40);
    private static final RecordedUnit DROP = unit("contract", "c/drop", LockMode.ACCESS_EXCLUSIVE, 900, CUSTOMERS);

    private static LockAssert all() {
        return new LockAssert(List.of(ADD, SYNC, DROP), "all");
    }

    @Test
    void phase_narrowsTheSelection() {
        all().phase("expand")
                .takesNoLockBlockingReadsLongerThan(Duration.ofMillis(10))
                .rewritesNoTable();
        assertThatThrownBy(() -> all().phase("contract").rewritesNoTable())
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected no table rewrite, but rewrote public.customers (contract c/drop).\n"
                        + "Recorded units (all, phase contract):\n"
                        + "  contract c/drop (900 ms): [ACCESS EXCLUSIVE on public.customers for 900 ms], rewrote"
                        + " [public.customers]");
    }

    @Test
    void phase_none_fails() {
        assertThatThrownBy(() -> all().phase("rollback"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected recorded units of phase rollback, but there are none.\n"
                        + "Recorded units (all):\n  expand c/add (3 ms)");
    }

    @Test
    void takesNoLockBlockingReadsLongerThan_longLock_failsNamingIt() {
        assertThatThrownBy(() -> all().takesNoLockBlockingReadsLongerThan(Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected no lock blocking reads for longer than 500 ms, but found: ACCESS"
                        + " EXCLUSIVE on public.customers for 900 ms (contract c/drop).");
    }

    @Test
    void takesNoLockBlockingWrites_shareRowExclusive_fails() {
        all().step("c/add").tookLock(TableName.of("customers"), LockMode.ACCESS_EXCLUSIVE);
        assertThatThrownBy(() -> all().step("c/sync").takesNoLockBlockingWrites())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected no lock blocking writes, but found: SHARE ROW EXCLUSIVE on"
                        + " public.customers for 40 ms (expand c/sync).");
        all().step("c/sync").takesNoLockBlockingWritesLongerThan(Duration.ofMillis(50));
    }

    @Test
    void tookLock_otherSchemaOrMode_fails() {
        assertThatThrownBy(() -> all().tookLock(TableName.of("audit", "customers"), LockMode.ACCESS_EXCLUSIVE))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected a ACCESS EXCLUSIVE lock on audit.customers, but none was taken.");
        assertThatThrownBy(() -> all().tookLock(TableName.of("customers"), LockMode.SHARE))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void assertThat_recordedUnit_describedAsOneUnit() {
        assertThat(ADD).rewritesNoTable();
        assertThatThrownBy(() -> assertThat(DROP).as("contract").rewritesNoTable())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("[contract] Expected no table rewrite");
    }

    @Test
    void recordedUnit_strongestLockAndToString() {
        assertThat(SYNC.strongestLock()).map(RelationLock::mode).contains(LockMode.SHARE_ROW_EXCLUSIVE);
        assertThat(ADD.tookLock(TableName.of("customers"), LockMode.ACCESS_EXCLUSIVE))
                .isTrue();
        assertThat(ADD.toString()).isEqualTo("expand c/add (3 ms): [ACCESS EXCLUSIVE on public.customers for 3 ms]");
    }
}
