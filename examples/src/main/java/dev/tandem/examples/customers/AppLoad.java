package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * An open-loop application load on {@code customers}: point reads and version 1's address updates (about half each)
 * of random customers, at a fixed rate, through a few connections.
 *
 * <p>Operation <i>i</i> is <b>scheduled</b> at {@code start + i / rate}, whether or not the earlier ones have finished;
 * a scheduler thread hands it to a small pool of workers at that moment, and its latency is measured from the
 * scheduled start to its end. An operation that waits (for a free worker, a connection, or a row lock the backfill
 * holds) therefore counts all of its wait, and so do the operations queued behind it: this load does not back off when
 * the database is slow, so it does not hide the slowness it should measure (no <i>coordinated omission</i>). That is
 * how {@code pgbench --rate} measures latency, too.
 *
 * <p>{@link #stop()} stops scheduling and waits for the operations already scheduled, so a blocked update (behind a
 * single {@code UPDATE} of the whole table, say) is counted with its whole wait, not dropped.
 *
 * <p>Start and stop it from one thread; the workers are its own.
 */
final class AppLoad implements AutoCloseable {
    /** What an operation does. */
    enum Kind {
        /** {@code SELECT ... FROM customers WHERE id = ?}. */
        READ,
        /** {@code UPDATE customers SET address = ?, updated_at = now() WHERE id = ?}: version 1's write. */
        UPDATE
    }

    /**
     * One operation.
     *
     * @param scheduledNanos when it was scheduled, in nanoseconds since the load started
     * @param latencyNanos from its scheduled start to its end
     * @param kind what it did
     * @param failed whether it threw
     */
    record Sample(long scheduledNanos, long latencyNanos, Kind kind, boolean failed) {}

    /**
     * The open-loop schedule: operation {@code i} starts at {@code startNanos + i * 10^9 / ratePerSecond}.
     *
     * @param startNanos {@link System#nanoTime()} of operation 0
     * @param ratePerSecond operations per second, at least 1
     */
    record Schedule(long startNanos, int ratePerSecond) {
        Schedule {
            if (ratePerSecond < 1) {
                throw new IllegalArgumentException("ratePerSecond must be >= 1 but was " + ratePerSecond);
            }
        }

        /**
         * {@return when operation {@code i} is due, in {@link System#nanoTime()} terms}
         *
         * @param i the operation's number, from 0
         */
        long scheduledAt(long i) {
            return startNanos + i * 1_000_000_000L / ratePerSecond;
        }

        /**
         * {@return the latency of an operation: from when it was due, not from when it was actually sent, to its end}
         *
         * @param scheduledAt when it was due
         * @param endedAt when it ended
         */
        static long latency(long scheduledAt, long endedAt) {
            return endedAt - scheduledAt;
        }
    }

    private static final String READ_SQL = "SELECT id, name, email, address FROM customers WHERE id = ?";
    private static final String UPDATE_SQL = "UPDATE customers SET address = ?, updated_at = now() WHERE id = ?";

    private final DataSource dataSource;
    private final int ratePerSecond;
    private final int clients;
    private final int maxId;
    private final List<String> addresses;
    private final SplittableRandom random;
    private final ExecutorService workers;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean scheduling;
    private volatile String firstFailure = "";
    private Thread scheduler = new Thread(() -> {});
    private Schedule schedule = new Schedule(0, 1);
    private boolean started;

    /**
     * Creates the load; nothing runs before {@link #start()}.
     *
     * @param dataSource the application's pool, with at least {@code clients} connections
     * @param ratePerSecond operations per second, at least 1
     * @param clients worker threads, each running one operation at a time, at least 1
     * @param maxId customers have ids 1 to {@code maxId}
     * @param seed seed of the ids, kinds and addresses: the same seed gives the same operations
     */
    AppLoad(DataSource dataSource, int ratePerSecond, int clients, int maxId, long seed) {
        if (ratePerSecond < 1 || clients < 1 || maxId < 1) {
            throw new IllegalArgumentException("ratePerSecond (" + ratePerSecond + "), clients (" + clients
                    + ") and maxId (" + maxId + ") must be >= 1");
        }
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.ratePerSecond = ratePerSecond;
        this.clients = clients;
        this.maxId = maxId;
        this.random = new SplittableRandom(seed);
        this.addresses = wellFormedAddresses(random.split(), 1_024);
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "app-load-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * {@return {@code n} well-formed version 1 addresses}
     *
     * @param random where they come from
     * @param n how many
     */
    static List<String> wellFormedAddresses(SplittableRandom random, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(AddressGenerator.wellFormed(random).toLine());
        }
        return List.copyOf(out);
    }

    /**
     * Opens a connection per worker (so that no measured operation pays for one) and starts the schedule.
     *
     * @throws SQLException if a connection cannot be opened
     * @throws IllegalStateException if it was started before
     */
    void start() throws SQLException {
        if (started) {
            throw new IllegalStateException("the load was started already");
        }
        started = true;
        warmUp();
        schedule = new Schedule(System.nanoTime(), ratePerSecond);
        scheduling = true;
        Schedule s = schedule;
        scheduler = new Thread(() -> scheduleAll(s), "app-load-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** {@return when operation 0 was due, in {@link System#nanoTime()} terms} */
    long startNanos() {
        return schedule.startNanos();
    }

    /**
     * Stops scheduling and waits until every operation already scheduled has ended.
     *
     * @return every operation, in the order they were scheduled
     */
    List<Sample> stop() {
        scheduling = false;
        LockSupport.unpark(scheduler);
        boolean interrupted = false;
        while (scheduler.isAlive()) {
            try {
                scheduler.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
                workers.shutdownNow();
                throw new IllegalStateException("the application load's operations did not end within 10 minutes");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Sample> out = new ArrayList<>(samples);
        out.sort(Comparator.comparingLong(Sample::scheduledNanos));
        return out;
    }

    /** {@return how many operations threw so far} */
    int failures() {
        return failures.get();
    }

    /** {@return the first failure's message, or an empty string} */
    String firstFailure() {
        return firstFailure;
    }

    /** Stops the load without waiting for its operations. */
    @Override
    public void close() {
        scheduling = false;
        LockSupport.unpark(scheduler);
        workers.shutdownNow();
    }

    private void scheduleAll(Schedule s) {
        for (long i = 0; ; i++) {
            long due = s.scheduledAt(i);
            for (long wait = due - System.nanoTime(); wait > 0 && scheduling; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (!scheduling) {
                return;
            }
            Kind kind = random.nextBoolean() ? Kind.READ : Kind.UPDATE;
            int id = 1 + random.nextInt(maxId);
            String address = addresses.get(random.nextInt(addresses.size()));
            workers.execute(() -> runOne(s, due, kind, id, address));
        }
    }

    private void runOne(Schedule s, long due, Kind kind, int id, String address) {
        boolean failed = false;
        try (Connection c = dataSource.getConnection()) {
            if (kind == Kind.READ) {
                try (PreparedStatement ps = c.prepareStatement(READ_SQL)) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(4);
                        }
                    }
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(UPDATE_SQL)) {
                    ps.setString(1, address);
                    ps.setInt(2, id);
                    ps.executeUpdate();
                }
            }
        } catch (SQLException | RuntimeException e) {
            failed = true;
            if (failures.getAndIncrement() == 0) {
                firstFailure = kind + ": " + e;
            }
        }
        long ended = System.nanoTime();
        samples.add(new Sample(due - s.startNanos(), Schedule.latency(due, ended), kind, failed));
    }

    /** Borrows every worker's connection at once, so that the pool has opened them before the schedule starts. */
    private void warmUp() throws SQLException {
        CountDownLatch all = new CountDownLatch(clients);
        CountDownLatch done = new CountDownLatch(clients);
        ConcurrentLinkedQueue<SQLException> errors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < clients; i++) {
            workers.execute(() -> {
                try (Connection c = dataSource.getConnection();
                        PreparedStatement ps = c.prepareStatement(READ_SQL)) {
                    ps.setInt(1, 1);
                    ps.executeQuery().close();
                    all.countDown();
                    all.await(30, TimeUnit.SECONDS);
                } catch (SQLException e) {
                    errors.add(e);
                    all.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the application load could not open its connections in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the application load opened its connections", e);
        }
        SQLException error = errors.peek();
        if (error != null) {
            throw error;
        }
    }
}
