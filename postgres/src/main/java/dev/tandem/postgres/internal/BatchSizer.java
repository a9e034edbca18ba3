package dev.tandem.postgres.internal;

import java.time.Duration;

/**
 * Decides the size of the next backfill batch from how long the last one kept its rows locked. Every row a batch
 * updates stays locked until the batch commits, so the application's writes to those rows wait for the whole batch;
 * the size therefore answers to the lock-hold bound ({@code maxLockHold}), not only to a duration target.
 *
 * <p>The size aims at {@code min(target, 70% of maxLockHold)}: the 30% margin absorbs the batch-to-batch variance
 * (vacuum, checkpoints, cache misses), so that a batch sized for the aim rarely crosses the bound. It grows at most
 * 1.5&times; per batch, so one fast batch (an empty key range, a hot cache) cannot make the next one overshoot much,
 * and it shrinks in proportion at once (down to a tenth) when a batch took longer than the aim. Lock failures and
 * statement timeouts halve it. It never leaves {@code [min, max]}.
 *
 * <p>Pure arithmetic, no clock and no database, so that every decision is unit-tested.
 */
final class BatchSizer {
    /** The share of the lock-hold bound a batch is sized for. */
    static final double HOLD_SHARE = 0.7;
    /** The most a batch grows over the one before it. */
    static final double MAX_GROWTH = 1.5;
    /** The most a batch shrinks below the one before it, after a slow batch. */
    static final double MAX_CUT = 0.1;

    private final int min;
    private final int max;
    private final long aimNanos;
    private final long boundNanos;

    /**
     * Creates a sizer.
     *
     * @param min the smallest batch
     * @param max the largest batch
     * @param target the duration batches are sized toward
     * @param maxLockHold the longest a batch should keep its rows locked
     */
    BatchSizer(int min, int max, Duration target, Duration maxLockHold) {
        if (min < 1 || min > max) {
            throw new IllegalArgumentException("batch sizes must satisfy 1 <= min <= max: " + min + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.boundNanos = Math.max(1, maxLockHold.toNanos());
        this.aimNanos = Math.max(1, Math.min(target.toNanos(), Math.round(boundNanos * HOLD_SHARE)));
    }

    /** {@return the lock-hold time batches are sized for} */
    Duration aim() {
        return Duration.ofNanos(aimNanos);
    }

    /**
     * The first batch of a run: the size an interrupted run had reached (so a resumed backfill does not start over
     * from the initial size), or the initial size.
     *
     * @param saved the size saved with the cursor, 0 when none
     * @param initial the configured initial size
     * @return the size of the first batch
     */
    int start(int saved, int initial) {
        return clamp(saved > 0 ? saved : initial);
    }

    /**
     * The size after a committed batch.
     *
     * @param size the batch's size
     * @param heldNanos how long its transaction kept its rows locked (from its first update to its commit)
     * @return the next batch's size
     */
    int next(int size, long heldNanos) {
        double factor = Math.min(MAX_GROWTH, Math.max(MAX_CUT, (double) aimNanos / Math.max(1, heldNanos)));
        return clamp(Math.round(size * factor));
    }

    /**
     * The size after a batch that could not lock its rows in time, or lost a deadlock: half, so that it holds fewer
     * rows while it waits for the next one.
     *
     * @param size the failed batch's size
     * @return the retry's size
     */
    int afterLockFailure(int size) {
        return clamp(size / 2);
    }

    /**
     * The size after a batch that hit {@code statement_timeout}: half.
     *
     * @param size the failed batch's size
     * @return the retry's size, equal to {@code size} when it cannot shrink any more
     */
    int afterStatementTimeout(int size) {
        return clamp(size / 2);
    }

    /**
     * Whether a batch held its rows longer than the bound.
     *
     * @param heldNanos the batch's lock-hold time
     * @return true when over the bound
     */
    boolean overBound(long heldNanos) {
        return heldNanos > boundNanos;
    }

    /**
     * Whether the bound is out of reach: the batch was already the smallest allowed and still held its rows longer
     * than the bound, so only a smaller {@code minBatchSize} (or a higher bound) can help.
     *
     * @param size the batch's size
     * @param heldNanos its lock-hold time
     * @return true when even the smallest batch is over the bound
     */
    boolean boundUnreachable(int size, long heldNanos) {
        return size <= min && overBound(heldNanos);
    }

    private int clamp(long size) {
        return (int) Math.max(min, Math.min(max, size));
    }
}
