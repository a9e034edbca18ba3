package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.MigrationPlan;
import dev.tandem.TandemException;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.CatalogStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * {@code tandem.backfill-on-startup}: once the context has started, backfills every plan that is expanded and not yet
 * backfilled, on a pool of {@code tandem.backfill-threads} threads, one plan per task. On close it stops each backfill
 * after its current batch (each batch commits its cursor, so the next start resumes there) and waits up to
 * {@code tandem.backfill-shutdown-timeout}.
 */
final class BackgroundBackfill implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(BackgroundBackfill.class);

    private final StatusReader status;
    private final int threads;
    private final Duration shutdownTimeout;

    private final Object lock = new Object();
    private @Nullable ExecutorService executor;
    private volatile boolean stopping;

    BackgroundBackfill(StatusReader status, int threads, Duration shutdownTimeout) {
        this.status = requireNonNull(status, "status");
        if (threads < 1) {
            throw new IllegalArgumentException("tandem.backfill-threads must be at least 1 but was " + threads);
        }
        this.threads = threads;
        this.shutdownTimeout = requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /** Thrown from the progress listener between two batches to end a backfill that shutdown stops. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the application is shutting down", null, false, false);
        }
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (executor != null) {
                return;
            }
            stopping = false;
            if (status.catalog().isEmpty()) {
                return;
            }
            List<CatalogStatus.PlanEntry> pending;
            try {
                pending = status.get().pendingBackfill();
            } catch (TandemException e) {
                // A background job cannot fail the startup it comes after; the health indicator shows the same read.
                log.error("Tandem: background backfill not started: {}", e.getMessage());
                return;
            }
            ExecutorService pool = newExecutor(Math.min(threads, Math.max(1, pending.size())));
            executor = pool;
            if (pending.isEmpty()) {
                log.info("Tandem: no expanded plan waits for its backfill");
            }
            for (CatalogStatus.PlanEntry entry : pending) {
                MigrationPlan plan = status.catalog().get(entry.planId());
                var unused = pool.submit(() -> backfill(plan));
            }
            // No further tasks: the threads end with the last backfill and never keep the JVM alive after it.
            pool.shutdown();
        }
    }

    private ExecutorService newExecutor(int size) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "tandem-backfill-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
        return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    private void backfill(MigrationPlan plan) {
        if (stopping) {
            return;
        }
        BackfillListener stopBetweenBatches = (BackfillProgress p) -> {
            if (stopping || Thread.currentThread().isInterrupted()) {
                throw new Stopped();
            }
        };
        try {
            log.info("{} - Background backfill starting", plan.id());
            BackfillReport report = status.migrator().backfill(plan, stopBetweenBatches);
            log.info(
                    "{} - Background backfill done: {} rows in {} batches; the new application version may run",
                    plan.id(),
                    report.rowsFilled(),
                    report.batches());
        } catch (Stopped e) {
            log.info(
                    "{} - Background backfill stopped after a batch: the application is shutting down. The next"
                            + " start resumes it.",
                    plan.id());
            return;
        } catch (LockNotAcquiredException e) {
            if (e.errorCode() != ErrorCode.RUNNER_LOCKED) {
                log.error("{} - Background backfill failed: {}", plan.id(), e.getMessage());
            } else {
                log.info("{} - Another runner holds the plan's runner lock; it does the backfill", plan.id());
            }
        } catch (TandemException e) {
            // Nobody can be told by an exception here; the state row keeps the error and the health turns DOWN.
            log.error("{} - Background backfill failed: {}", plan.id(), e.getMessage());
        } catch (RuntimeException e) {
            if (stopping) {
                log.info(
                        "{} - Background backfill stopped by shutdown ({}). The next start resumes it.",
                        plan.id(),
                        e.getMessage());
                return;
            }
            log.error("{} - Background backfill failed", plan.id(), e);
        }
        if (!stopping) {
            refreshQuietly(plan);
        }
    }

    private void refreshQuietly(MigrationPlan plan) {
        try {
            var unused = status.get();
        } catch (TandemException e) {
            log.warn("{} - Could not read the plans' status after the backfill: {}", plan.id(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        ExecutorService pool;
        synchronized (lock) {
            pool = executor;
            executor = null;
            if (pool == null) {
                return;
            }
            stopping = true;
        }
        // Interrupts a backfill pausing between batches; one inside a batch stops when the batch has committed.
        var unused = pool.shutdownNow();
        try {
            if (!pool.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "Tandem: a background backfill did not stop within tandem.backfill-shutdown-timeout ({});"
                                + " its current batch is rolled back when its connection closes and redone on the next"
                                + " start",
                        shutdownTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return executor != null;
        }
    }

    /** Stops a backfill that a failed refresh started, when no lifecycle stop comes. */
    @Override
    public void destroy() {
        stop();
    }
}
