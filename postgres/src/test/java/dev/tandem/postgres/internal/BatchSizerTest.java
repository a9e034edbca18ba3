package dev.tandem.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The batch-size decisions, as arithmetic: no database, no clock. */
class BatchSizerTest {
    private static final long MS = 1_000_000L;

    /** The defaults: sizes 100..100,000, target 200 ms, bound 50 ms. */
    private final BatchSizer defaults = new BatchSizer(100, 100_000, Duration.ofMillis(200), Duration.ofMillis(50));

    @Test
    void aimsAtSeventyPercentOfTheBound_whenTheBoundIsShorterThanTheTarget() {
        assertThat(defaults.aim()).isEqualTo(Duration.ofMillis(35));
    }

    @Test
    void aimsAtTheTarget_whenTheTargetIsShorterThanSeventyPercentOfTheBound() {
        BatchSizer sizer = new BatchSizer(100, 100_000, Duration.ofMillis(20), Duration.ofMillis(500));
        assertThat(sizer.aim()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void growsAtMostHalfAgain_afterAFastBatch() {
        // 1 ms for an aim of 35 ms would be 35x; growth is capped at 1.5x
        assertThat(defaults.next(1_000, MS)).isEqualTo(1_500);
    }

    @Test
    void growsInProportion_whenSlightlyUnderTheAim() {
        // 28 ms against 35 ms: 1.25x
        assertThat(defaults.next(1_000, 28 * MS)).isEqualTo(1_250);
    }

    @Test
    void shrinksInProportion_afterABatchOverTheAim() {
        // 70 ms against 35 ms: half
        assertThat(defaults.next(10_000, 70 * MS)).isEqualTo(5_000);
    }

    @Test
    void shrinksToATenthAtMost_afterAVerySlowBatch() {
        // 3.5 s is 100x the aim; the cut stops at a tenth
        assertThat(defaults.next(10_000, 3_500 * MS)).isEqualTo(1_000);
    }

    @Test
    void staysWithinMinAndMax() {
        assertThat(defaults.next(100, 3_500 * MS)).isEqualTo(100);
        assertThat(defaults.next(90_000, MS)).isEqualTo(100_000);
    }

    @Test
    void settlesNearTheAim_whenHoldTimeIsProportionalToSize() {
        // a table where every row costs 10 us: the aim of 35 ms is reached at 3,500 rows
        int size = 1_000;
        for (int i = 0; i < 30; i++) {
            size = defaults.next(size, size * 10_000L);
        }
        assertThat(size).isBetween(3_400, 3_600);
        // and the batch it settles on holds its rows within the bound
        assertThat(defaults.overBound(size * 10_000L)).isFalse();
    }

    @Test
    void halvesAfterALockFailure_andAfterAStatementTimeout_butNotBelowMin() {
        assertThat(defaults.afterLockFailure(1_000)).isEqualTo(500);
        assertThat(defaults.afterStatementTimeout(1_000)).isEqualTo(500);
        assertThat(defaults.afterLockFailure(150)).isEqualTo(100);
        assertThat(defaults.afterStatementTimeout(100)).isEqualTo(100);
    }

    @Test
    void startsFromTheSavedSize_whenResuming_clampedToTheCurrentOptions() {
        assertThat(defaults.start(0, 1_000)).isEqualTo(1_000);
        assertThat(defaults.start(4_200, 1_000)).isEqualTo(4_200);
        // saved by a run with a larger max
        assertThat(defaults.start(500_000, 1_000)).isEqualTo(100_000);
        assertThat(defaults.start(7, 1_000)).isEqualTo(100);
    }

    @Test
    void theBoundIsUnreachable_onlyWhenTheSmallestBatchIsOverIt() {
        assertThat(defaults.overBound(51 * MS)).isTrue();
        assertThat(defaults.overBound(50 * MS)).isFalse();
        assertThat(defaults.boundUnreachable(100, 51 * MS)).isTrue();
        assertThat(defaults.boundUnreachable(100, 40 * MS)).isFalse();
        assertThat(defaults.boundUnreachable(200, 51 * MS)).isFalse();
    }

    @Test
    void refusesSizesOutOfOrder() {
        assertThatThrownBy(() -> new BatchSizer(0, 10, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchSizer(10, 5, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
