package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import org.junit.jupiter.api.Test;

/** The checks {@link CompatibilityCheck#run()} makes before it asks for a database. */
class CompatibilityCheckTest {
    private static final MigrationPlan PLAN = MigrationPlan.named("p")
            .addColumn(TableName.of("t"), "c", ColumnType.TEXT)
            .build();
    private static final CompatibilityHarness HARNESS = CompatibilityHarness.on(CompatibilityCheckTest::noDatabase);

    private static TestDatabase noDatabase() {
        throw new AssertionError("no database is needed to validate a check");
    }

    @Test
    void run_withoutNewVersion_rejected() {
        CompatibilityCheck check = HARNESS.check(PLAN).oldVersion(AppVersion.named("v1"));

        assertThatThrownBy(check::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "A compatibility check needs oldVersion(..) and newVersion(..); the new version is missing");
    }

    @Test
    void run_sameNames_rejected() {
        CompatibilityCheck check =
                HARNESS.check(PLAN).oldVersion(AppVersion.named("v1")).newVersion(AppVersion.named("v1"));

        assertThatThrownBy(check::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "The old and the new version are both named 'v1'; give them distinct names, such as v1 and v2");
    }

    @Test
    void run_writerWithoutReader_rejected() {
        CompatibilityCheck check = HARNESS.check(PLAN)
                .oldVersion(AppVersion.named("v1").writes("customer", (ds, key) -> {}))
                .newVersion(AppVersion.named("v2"));

        assertThatThrownBy(check::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Version v1 writes 'customer' but cannot read it; add reads(\"customer\", ...) so that the"
                        + " harness learns what it wrote");
    }

    @Test
    void settings_outOfRange_rejected() {
        CompatibilityCheck check = HARNESS.check(PLAN);

        assertThatThrownBy(() -> check.seedRecords(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seedRecords must be >= 0 but was -1");
        assertThatThrownBy(() -> check.backfillBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backfillBatchSize must be >= 1 but was 0");
    }

    @Test
    void probeNotReady_noState_rejected() {
        CompatibilityCheck check = HARNESS.check(PLAN);

        assertThatThrownBy(check::probeNotReady)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probeNotReady needs at least one state, such as CompatibilityState.EXPANDED");
    }

    @Test
    void probeNotReady_statesShownInOrder_receiverUnchanged() {
        CompatibilityCheck base = HARNESS.check(PLAN).newVersion(AppVersion.named("v2"));

        CompatibilityCheck probing = base.probeNotReady(CompatibilityState.BACKFILLING, CompatibilityState.EXPANDED);

        assertThat(base.toString()).isEqualTo("CompatibilityCheck[plan p, old -, new v2]");
        assertThat(probing.toString())
                .isEqualTo("CompatibilityCheck[plan p, old -, new v2, probes [EXPANDED, BACKFILLING]]");
    }

    @Test
    void withers_returnNewValues_receiverUnchanged() {
        CompatibilityCheck base = HARNESS.check(PLAN);

        CompatibilityCheck withOld = base.oldVersion(AppVersion.named("blue"));

        assertThat(base.toString()).isEqualTo("CompatibilityCheck[plan p, old -, new -]");
        assertThat(withOld.toString()).isEqualTo("CompatibilityCheck[plan p, old blue, new -]");
    }

    @Test
    void probeBetweenUnits_onByDefault_offShown_receiverUnchanged() {
        CompatibilityCheck base = HARNESS.check(PLAN);

        CompatibilityCheck off = base.probeBetweenUnits(false);

        assertThat(base.toString()).isEqualTo("CompatibilityCheck[plan p, old -, new -]");
        assertThat(off.toString()).isEqualTo("CompatibilityCheck[plan p, old -, new -, not between units]");
        assertThat(off.probeBetweenUnits(true).toString()).isEqualTo(base.toString());
    }
}
