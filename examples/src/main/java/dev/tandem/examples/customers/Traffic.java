package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

import dev.tandem.postgres.PlanStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Background traffic of one application version: worker threads that run a weighted mix of operations at a steady,
 * modest pace and count every operation and every exception. An error is any exception an operation throws.
 *
 * <p>A version starts only when Tandem says it may run ({@link #startIfAllowed}): version 1 while {@link
 * PlanStatus#oldVersionMayRun()}, version 2 once {@link PlanStatus#newVersionMayRun()} (after the backfill), as a
 * deployment pipeline would check the plan's status before it shifts traffic.
 *
 * <p>Thread-safe: start and stop it from one thread, read its {@link #stats()} from any.
 */
final class Traffic {

    /** One operation of an application version. */
    @FunctionalInterface
    interface Operation {
        /**
         * Runs the operation once.
         *
         * @param random this worker's random generator, for ids and data
         * @throws Exception whatever the application throws; it is counted as an error
         */
        void run(SplittableRandom random) throws Exception;
    }

    /**
     * An operation and how often it runs, relative to the others.
     *
     * @param name what the operation is called in the statistics
     * @param weight its relative frequency, at least 1
     * @param operation what it does
     */
    record Mix(String name, int weight, Operation operation) {
        Mix {
            requireNonNull(name, "name");
            requireNonNull(operation, "operation");
            if (weight < 1) {
                throw new IllegalArgumentException("weight must be >= 1 but was " + weight);
            }
        }
    }

    /**
     * What a version did so far.
     *
     * @param version the version's name
     * @param operations operations run, failed ones included
     * @param errors operations that threw
     * @param byOperation operations run, by name, in mix order
     * @param errorSamples the first few errors, as {@code operation: exception}
     */
    record Stats(
            String version, long operations, long errors, Map<String, Long> byOperation, List<String> errorSamples) {
        Stats {
            byOperation = Collections.unmodifiableMap(new LinkedHashMap<>(byOperation));
            errorSamples = List.copyOf(errorSamples);
        }
    }

    private static final int MAX_ERROR_SAMPLES = 10;

    private final String version;
    private final Predicate<PlanStatus> mayRun;
    private final List<Mix> mix;
    private final int totalWeight;
    private final int threads;
    private final long intervalNanos;
    private final long seed;
    private final Map<String, LongAdder> counts = new LinkedHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    /**
     * Creates the traffic of a version that may always run, as in a test; nothing runs before {@link #start()}.
     *
     * @param version the version's name, used for thread names and statistics
     * @param threads worker threads, at least 1
     * @param opsPerSecond operations per second over all workers, at least 1
     * @param seed seed of the workers' random generators
     * @param mix the operations
     */
    Traffic(String version, int threads, int opsPerSecond, long seed, List<Mix> mix) {
        this(version, status -> true, threads, opsPerSecond, seed, mix);
    }

    /**
     * Creates the traffic; nothing runs before {@link #startIfAllowed} or {@link #start()}.
     *
     * @param version the version's name, used for thread names and statistics
     * @param mayRun whether a plan's status lets this version run, such as {@link PlanStatus#newVersionMayRun()}
     * @param threads worker threads, at least 1
     * @param opsPerSecond operations per second over all workers, at least 1
     * @param seed seed of the workers' random generators
     * @param mix the operations
     */
    Traffic(String version, Predicate<PlanStatus> mayRun, int threads, int opsPerSecond, long seed, List<Mix> mix) {
        if (threads < 1 || opsPerSecond < 1 || mix.isEmpty()) {
            throw new IllegalArgumentException("threads (" + threads + ") and opsPerSecond (" + opsPerSecond
                    + ") must be >= 1 and the mix must not be empty");
        }
        this.version = requireNonNull(version, "version");
        this.mayRun = requireNonNull(mayRun, "mayRun");
        this.mix = List.copyOf(mix);
        this.totalWeight = this.mix.stream().mapToInt(Mix::weight).sum();
        this.threads = threads;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) * threads / opsPerSecond;
        this.seed = seed;
        for (Mix m : this.mix) {
            counts.put(m.name(), new LongAdder());
        }
    }

    /**
     * {@return whether the plan's status lets this version run}
     *
     * @param status the plan's status, from {@code PostgresMigrator.status}
     */
    boolean mayRun(PlanStatus status) {
        return mayRun.test(status);
    }

    /**
     * Starts the workers, if the plan's status lets this version run.
     *
     * @param status the plan's status, from {@code PostgresMigrator.status}
     * @throws IllegalStateException if Tandem says this version may not run, or it was started already
     */
    synchronized void startIfAllowed(PlanStatus status) {
        if (!mayRun(status)) {
            throw new IllegalStateException(version + " may not start: " + status);
        }
        start();
    }

    /**
     * Starts the workers without asking Tandem.
     *
     * @throws IllegalStateException if it was started already
     */
    synchronized void start() {
        if (running || !workers.isEmpty()) {
            throw new IllegalStateException(version + " traffic was started already");
        }
        running = true;
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = seeds.split();
            Thread worker = new Thread(() -> work(random), version + "-" + (i + 1));
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Stops the workers and waits until each has finished its operation in flight.
     *
     * @return the final statistics
     * @throws IllegalStateException if a worker does not finish within 30 seconds
     */
    synchronized Stats stop() {
        running = false;
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping " + version + " traffic", e);
            }
            if (worker.isAlive()) {
                throw new IllegalStateException(worker.getName() + " did not finish its operation within 30 s");
            }
        }
        return stats();
    }

    /** {@return what the workers did so far} */
    Stats stats() {
        Map<String, Long> byOperation = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            long n = e.getValue().sum();
            byOperation.put(e.getKey(), n);
            total += n;
        }
        return new Stats(version, total, errors.sum(), byOperation, List.copyOf(errorSamples));
    }

    private void work(SplittableRandom random) {
        long next = System.nanoTime() + random.nextLong(intervalNanos);
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!running) {
                    return;
                }
            } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                next = System.nanoTime(); // fell far behind (a pause): do not burst to catch up
            }
            next += intervalNanos;
            Mix m = pick(random);
            requireNonNull(counts.get(m.name()), m.name()).increment();
            try {
                m.operation().run(random);
            } catch (Exception e) {
                errors.increment();
                if (errorSamples.size() < MAX_ERROR_SAMPLES) {
                    errorSamples.add(m.name() + ": " + e);
                }
            }
        }
    }

    private Mix pick(SplittableRandom random) {
        int roll = random.nextInt(totalWeight);
        for (Mix m : mix) {
            roll -= m.weight();
            if (roll < 0) {
                return m;
            }
        }
        throw new AssertionError("weights add up to " + totalWeight);
    }
}
