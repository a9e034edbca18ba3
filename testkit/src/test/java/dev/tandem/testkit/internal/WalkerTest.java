package dev.tandem.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CompatibilityState;
import org.junit.jupiter.api.Test;

class WalkerTest {
    private static Walker.Entry written(Role writer, CompatibilityState state) {
        return new Walker.Entry("customer", "k", writer, state, "value");
    }

    @Test
    void mustRead_recordFromBeforeExpand_newVersionOnlyOnceBackfilled() {
        Walker.Entry seed = written(Role.OLD, CompatibilityState.BEFORE_EXPAND);

        assertThat(Walker.mustRead(CompatibilityState.EXPANDED, Role.NEW, seed)).isFalse();
        assertThat(Walker.mustRead(CompatibilityState.BACKFILLING, Role.NEW, seed))
                .isFalse();
        assertThat(Walker.mustRead(CompatibilityState.BACKFILLED_VERIFIED, Role.NEW, seed))
                .isTrue();
        assertThat(Walker.mustRead(CompatibilityState.CONTRACTED, Role.NEW, seed))
                .isTrue();
        assertThat(Walker.mustRead(CompatibilityState.EXPANDED, Role.OLD, seed)).isTrue();
    }

    @Test
    void mustRead_recordWrittenAfterExpand_alwaysByBoth() {
        Walker.Entry fromNew = written(Role.NEW, CompatibilityState.EXPANDED);

        assertThat(Walker.mustRead(CompatibilityState.EXPANDED, Role.OLD, fromNew))
                .isTrue();
        assertThat(Walker.mustRead(CompatibilityState.ROLLED_BACK_FROM_EXPANDED, Role.OLD, fromNew))
                .isTrue();
        assertThat(Walker.mustRead(
                        CompatibilityState.EXPANDED, Role.NEW, written(Role.OLD, CompatibilityState.EXPANDED)))
                .isTrue();
    }
}
