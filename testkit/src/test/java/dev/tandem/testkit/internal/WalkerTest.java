package dev.tandem.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.PlanState;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CompatibilityState;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalkerTest {
    private static Walker.Entry written(Role writer, CompatibilityState state) {
        return new Walker.Entry("customer", "k", writer, state, Walker.STATE_POINT, "value", false);
    }

    private static Walker.Entry probed(Role writer, CompatibilityState state) {
        return new Walker.Entry("customer", "k", writer, state, Walker.STATE_POINT, "value", true);
    }

    private static boolean mustRead(CompatibilityState state, Role reader, Walker.Entry entry) {
        return Walker.mustRead(state, Walker.STATE_POINT, reader, entry);
    }

    @Test
    void mustRead_recordWrittenBetweenUnits_readAtTheOtherPointsOfItsState() {
        String afterFirst = "after expand unit raw-1/expand";
        Walker.Entry between =
                new Walker.Entry("customer", "k", Role.OLD, CompatibilityState.EXPANDED, afterFirst, "value", false);

        assertThat(Walker.mustRead(CompatibilityState.EXPANDED, afterFirst, Role.OLD, between))
                .isFalse();
        assertThat(Walker.mustRead(CompatibilityState.EXPANDED, "after expand unit raw-2/expand", Role.OLD, between))
                .isTrue();
        assertThat(mustRead(CompatibilityState.EXPANDED, Role.OLD, between)).isTrue();
        assertThat(mustRead(CompatibilityState.CONTRACTED, Role.NEW, between)).isTrue();
    }

    @Test
    void statements_firstOnOneLineShortened_countsTheOthers() {
        ExecutionListener.Unit one = unit(List.of("ALTER TABLE customers\n    RENAME TO clients"));
        ExecutionListener.Unit three = unit(List.of("CREATE FUNCTION f() " + "x".repeat(200), "SELECT 1", "SELECT 2"));

        assertThat(Walker.statements(one)).isEqualTo("ALTER TABLE customers RENAME TO clients");
        assertThat(Walker.statements(three)).hasSize(117 + 3 + " +2 more statements".length());
        assertThat(Walker.statements(three))
                .startsWith("CREATE FUNCTION f() xxx")
                .endsWith("... +2 more statements");
        assertThat(Walker.statements(unit(List.of()))).isEqualTo("no statement");
        assertThat(Walker.statements(
                        unit(List.of("LOCK TABLE ONLY t IN ACCESS EXCLUSIVE MODE", "DROP TRIGGER x ON t"))))
                .isEqualTo("DROP TRIGGER x ON t +1 more statement");
    }

    @Test
    void stepIds_firstThree_countsTheOthers() {
        assertThat(Walker.stepIds(unit(List.of(), List.of("a/sync")))).isEqualTo("a/sync");
        assertThat(Walker.stepIds(unit(List.of(), List.of("a/sync", "a/add-x", "a/add-y", "a/add-z", "a/add-w"))))
                .isEqualTo("a/sync, a/add-x, a/add-y +2");
        assertThat(Walker.stepIds(unit(List.of(), List.of()))).isEqualTo("(plan)");
    }

    private static ExecutionListener.Unit unit(List<String> statements) {
        return unit(statements, List.of("raw-1/expand"));
    }

    private static ExecutionListener.Unit unit(List<String> statements, List<String> stepIds) {
        return new ExecutionListener.Unit("p", "expand", stepIds, statements, true, "", LockMode.ACCESS_EXCLUSIVE);
    }

    @Test
    void mustRead_recordFromBeforeExpand_everyLaterReader() {
        Walker.Entry seed = written(Role.OLD, CompatibilityState.BEFORE_EXPAND);

        assertThat(mustRead(CompatibilityState.BEFORE_EXPAND, Role.OLD, seed)).isFalse();
        assertThat(mustRead(CompatibilityState.EXPANDED, Role.OLD, seed)).isTrue();
        assertThat(mustRead(CompatibilityState.BACKFILLED_VERIFIED, Role.NEW, seed))
                .isTrue();
        assertThat(mustRead(CompatibilityState.CONTRACTED, Role.NEW, seed)).isTrue();
        // A probe of the new version reads it too: that it reads empty columns there is why it may not run yet.
        assertThat(mustRead(CompatibilityState.EXPANDED, Role.NEW, seed)).isTrue();
    }

    @Test
    void mustRead_ownRecordOfThisState_readBackAlready() {
        Walker.Entry fromNew = written(Role.NEW, CompatibilityState.BACKFILLED_VERIFIED);

        assertThat(mustRead(CompatibilityState.BACKFILLED_VERIFIED, Role.NEW, fromNew))
                .isFalse();
        assertThat(mustRead(CompatibilityState.BACKFILLED_VERIFIED, Role.OLD, fromNew))
                .isTrue();
        assertThat(mustRead(CompatibilityState.CONTRACTED, Role.NEW, fromNew)).isTrue();
        assertThat(mustRead(CompatibilityState.ROLLED_BACK_FROM_BACKFILLED, Role.OLD, fromNew))
                .isTrue();
    }

    @Test
    void mustRead_probeRecord_onlyInItsOwnState() {
        Walker.Entry early = probed(Role.NEW, CompatibilityState.EXPANDED);

        assertThat(mustRead(CompatibilityState.EXPANDED, Role.OLD, early)).isTrue();
        assertThat(mustRead(CompatibilityState.BACKFILLING, Role.OLD, early)).isFalse();
        assertThat(mustRead(CompatibilityState.BACKFILLED_VERIFIED, Role.OLD, early))
                .isFalse();
        assertThat(mustRead(CompatibilityState.CONTRACTED, Role.NEW, early)).isFalse();
    }

    @Test
    void readiness_followsPlanStatus() {
        assertThat(Arrays.stream(PlanState.values()).filter(s -> Readiness.of(s).newMayRun()))
                .containsExactly(PlanState.BACKFILLED, PlanState.VERIFIED, PlanState.CONTRACTING, PlanState.CONTRACTED);
        assertThat(Arrays.stream(PlanState.values())
                        .filter(s -> !Readiness.of(s).oldMayRun()))
                .containsExactly(PlanState.CONTRACTING, PlanState.CONTRACTED);
        assertThat(Readiness.of(PlanState.EXPANDED).mayRun(Role.NEW)).isFalse();
        assertThat(Readiness.of(PlanState.EXPANDED).mayRun(Role.OLD)).isTrue();
        assertThatThrownBy(() -> Readiness.of(PlanState.EXPANDED).mayRun(Role.PLAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a version: PLAN");
    }

    @Test
    void readiness_why_namesThePlanStateAndTheRule() {
        assertThat(Readiness.of(PlanState.VERIFIED).why(Role.NEW)).isEqualTo("plan VERIFIED");
        assertThat(Readiness.of(PlanState.BACKFILLING).why(Role.NEW))
                .isEqualTo("plan BACKFILLING: the new version may not run before the backfill is complete");
        assertThat(Readiness.of(PlanState.ROLLED_BACK).why(Role.NEW))
                .isEqualTo("plan ROLLED_BACK: the new version may not run after a rollback");
        assertThat(Readiness.of(PlanState.CONTRACTED).why(Role.OLD))
                .isEqualTo("plan CONTRACTED: the old version may not run once contract has started");
    }

    private static dev.tandem.testkit.RecordedUnit unit(
            LockMode mode, List<dev.tandem.plan.TableName> rewritten, List<dev.tandem.plan.TableName> scanned) {
        dev.tandem.plan.TableName customers = dev.tandem.plan.TableName.of("public", "customers");
        return new dev.tandem.testkit.RecordedUnit(
                "expand",
                List.of("raw-1/expand"),
                List.of("CREATE INDEX customers_name_idx ON customers (name)"),
                true,
                java.time.Duration.ofMillis(3),
                List.of(new dev.tandem.testkit.RelationLock(customers, mode, java.time.Duration.ofMillis(3))),
                rewritten,
                scanned);
    }

    @Test
    void blockingWork_scanUnderALockThatBlocksWrites_isAFindingWhateverItsDuration() {
        List<dev.tandem.plan.TableName> customers = List.of(dev.tandem.plan.TableName.of("public", "customers"));

        assertThat(Walker.blockingWork(unit(LockMode.SHARE, List.of(), customers)))
                .containsExactly("held SHARE on public.customers while it read all of public.customers in a"
                        + " sequential scan (writes wait for the whole scan, however large the table)");
        assertThat(Walker.blockingWork(unit(LockMode.ACCESS_EXCLUSIVE, List.of(), customers)))
                .singleElement()
                .asString()
                .contains("(writes and reads wait");
    }

    @Test
    void blockingWork_scanUnderAWeakLock_orNoScan_orARewrite_isNoScanFinding() {
        List<dev.tandem.plan.TableName> customers = List.of(dev.tandem.plan.TableName.of("public", "customers"));

        // VALIDATE CONSTRAINT, CREATE INDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE lets writes go on
        assertThat(Walker.blockingWork(unit(LockMode.SHARE_UPDATE_EXCLUSIVE, List.of(), customers)))
                .isEmpty();
        // catalog-only DDL under ACCESS EXCLUSIVE
        assertThat(Walker.blockingWork(unit(LockMode.ACCESS_EXCLUSIVE, List.of(), List.of())))
                .isEmpty();
        // a rewrite is reported as a rewrite, not twice
        assertThat(Walker.blockingWork(unit(LockMode.ACCESS_EXCLUSIVE, customers, customers)))
                .isEmpty();
    }
}
