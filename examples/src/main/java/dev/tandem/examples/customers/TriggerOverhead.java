package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * What a trigger costs the application: the most single-row {@code UPDATE}s per second that a few clients get
 * through, each client sending its next update as soon as the last one returned (closed loop: this measures capacity,
 * not latency). Stateless.
 */
final class TriggerOverhead {
    private TriggerOverhead() {}

    /** Which trigger the table has while it is measured. */
    enum Variant {
        /** No trigger at all: the new columns exist but nothing fills them. */
        NONE("no trigger"),
        /**
         * A minimal PL/pgSQL {@code BEFORE INSERT OR UPDATE ... FOR EACH ROW} trigger that computes the four new
         * columns from {@code address}, for every update (what a hand-written dual-write trigger usually is).
         */
        MINIMAL("minimal trigger"),
        /** Tandem's sync triggers, as its expand installs them. */
        TANDEM("Tandem's sync trigger");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /** Which update the application runs. */
    enum Update {
        /** Version 1's write of the old column: {@code UPDATE customers SET address = ? WHERE id = ?}. */
        ADDRESS("UPDATE customers SET address = ? WHERE id = ?"),
        /** An update that touches neither side of the split: {@code UPDATE customers SET name = ? WHERE id = ?}. */
        NAME("UPDATE customers SET name = ? WHERE id = ?");

        final String sql;

        Update(String sql) {
            this.sql = sql;
        }
    }

    /**
     * Runs {@code clients} closed loops of {@code update} on random customers and counts the updates that end within
     * {@code measured}, after {@code warmup} that is not counted.
     *
     * @param dataSource a pool with at least {@code clients} connections
     * @param clients concurrent clients, at least 1
     * @param warmup how long they run before counting starts
     * @param measured how long they are counted
     * @param update which update
     * @param maxId customers have ids 1 to {@code maxId}
     * @param seed seed of the ids and values
     * @return updates per second while counted
     * @throws SQLException if an update fails
     */
    static double updatesPerSecond(
            DataSource dataSource, int clients, Duration warmup, Duration measured, Update update, int maxId, long seed)
            throws SQLException {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(update, "update");
        if (clients < 1 || maxId < 1 || measured.isZero() || measured.isNegative()) {
            throw new IllegalArgumentException("clients (" + clients + ") and maxId (" + maxId
                    + ") must be >= 1 and the measurement (" + measured + ") positive");
        }
        List<String> addresses = AppLoad.wellFormedAddresses(new SplittableRandom(seed), 1_024);
        CyclicBarrier ready = new CyclicBarrier(clients + 1);
        LongAdder counted = new LongAdder();
        ConcurrentLinkedQueue<Exception> errors = new ConcurrentLinkedQueue<>();
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            SplittableRandom random = new SplittableRandom(seed + 1 + t);
            Thread thread = new Thread(
                    () -> {
                        try (Connection c = dataSource.getConnection();
                                PreparedStatement ps = c.prepareStatement(update.sql)) {
                            ready.await();
                            long from = window[0];
                            long to = window[1];
                            for (long now = System.nanoTime(); now < to; now = System.nanoTime()) {
                                int id = 1 + random.nextInt(maxId);
                                ps.setString(
                                        1,
                                        update == Update.ADDRESS
                                                ? addresses.get(random.nextInt(addresses.size()))
                                                : "Customer " + id + " " + random.nextInt(1_000));
                                ps.setInt(2, id);
                                ps.executeUpdate();
                                if (System.nanoTime() >= from && System.nanoTime() < to) {
                                    counted.increment();
                                }
                            }
                        } catch (Exception e) {
                            errors.add(e);
                            ready.reset();
                        }
                    },
                    "trigger-overhead-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        try {
            long start = System.nanoTime();
            window[0] = start + warmup.toNanos();
            window[1] = window[0] + measured.toNanos();
            ready.await();
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + update, e);
        } catch (BrokenBarrierException e) {
            // A client failed before the start; its error is reported below.
        }
        Exception error = errors.peek();
        if (error != null) {
            if (error instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("measuring " + update + " failed", error);
        }
        return counted.sum() / (measured.toNanos() / 1e9);
    }
}
