package dev.tandem.examples.customers;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Read-after-write checks across versions: right after one version creates a customer, the other version reads it and
 * compares. Enabled only while both representations exist (from expand until version 1 retires); {@link #disable()}
 * waits for the checks in flight, so none runs into contract. Thread-safe.
 */
final class CrossCheck {
    private static final int MAX_SAMPLES = 10;

    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final LongAdder checks = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private boolean enabled;

    /**
     * What the checks found.
     *
     * @param checks checks run
     * @param mismatches checks whose reading version saw something else than the writing version wrote
     * @param samples the first few mismatches
     */
    record Stats(long checks, long mismatches, List<String> samples) {
        Stats {
            samples = List.copyOf(samples);
        }
    }

    /** Lets checks run. */
    void enable() {
        gate.writeLock().lock();
        try {
            enabled = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Stops checks, waiting for those in flight. */
    void disable() {
        gate.writeLock().lock();
        try {
            enabled = false;
        } finally {
            gate.writeLock().unlock();
        }
    }

    /**
     * Runs one check if checks are enabled.
     *
     * @param what the check, for the mismatch message
     * @param expected what the writing version wrote
     * @param actual what the reading version reads now
     */
    void check(String what, Object expected, Supplier<Object> actual) {
        if (!gate.readLock().tryLock()) {
            return; // being disabled
        }
        try {
            if (!enabled) {
                return;
            }
            checks.increment();
            Object seen = actual.get();
            if (!expected.equals(seen)) {
                mismatches.increment();
                if (samples.size() < MAX_SAMPLES) {
                    samples.add(what + ": expected " + expected + " but read " + seen);
                }
            }
        } finally {
            gate.readLock().unlock();
        }
    }

    /** {@return what the checks found so far} */
    Stats stats() {
        return new Stats(checks.sum(), mismatches.sum(), List.copyOf(samples));
    }
}
