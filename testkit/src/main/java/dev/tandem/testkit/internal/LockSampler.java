package dev.tandem.testkit.internal;

import dev.tandem.testkit.RelationLock;
import dev.tandem.testkit.internal.LockQueries.SeenLock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the table locks of another session from its own connection, about every millisecond, while a statement runs
 * outside a transaction there (such as {@code CREATE INDEX CONCURRENTLY}), where no callback can look inside.
 */
public final class LockSampler {
    private static final Logger log = LoggerFactory.getLogger(LockSampler.class);
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch started = new CountDownLatch(1);
    private final Map<SeenLock, long[]> seen = new LinkedHashMap<>(); // first and last nanoTime seen
    private final Thread thread;
    private volatile @Nullable SQLException failure;

    private LockSampler(DataSource dataSource, int pid, Set<String> ignoredSchemas) {
        thread = new Thread(() -> run(dataSource, pid, ignoredSchemas), "tandem-lock-sampler-" + pid);
        thread.setDaemon(true);
    }

    /**
     * Starts sampling and returns once the sampler's connection is open, so that the first sample is taken before the
     * caller starts its statement.
     *
     * @param dataSource where the sampler gets its connection
     * @param pid the backend pid of the session to watch
     * @param ignoredSchemas schemas whose relations are left out
     * @return the running sampler
     */
    public static LockSampler start(DataSource dataSource, int pid, Set<String> ignoredSchemas) {
        LockSampler sampler = new LockSampler(dataSource, pid, Set.copyOf(ignoredSchemas));
        sampler.thread.start();
        try {
            if (!sampler.started.await(10, TimeUnit.SECONDS)) {
                log.warn("The lock sampler for pid {} did not get a connection within 10 s", pid);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sampler;
    }

    private void run(DataSource dataSource, int pid, Set<String> ignoredSchemas) {
        try (Connection c = dataSource.getConnection()) {
            started.countDown();
            while (!stop.get()) {
                List<SeenLock> locks = LockQueries.locksOf(c, pid, ignoredSchemas);
                long now = System.nanoTime();
                synchronized (seen) {
                    for (SeenLock l : locks) {
                        long[] span = seen.computeIfAbsent(l, k -> new long[] {now, now});
                        span[1] = now;
                    }
                }
                LockSupport.parkNanos(PERIOD_NANOS);
            }
        } catch (SQLException e) {
            failure = e;
        } finally {
            started.countDown();
        }
    }

    /** Stops sampling and forgets what was seen, without waiting. */
    public void cancel() {
        stop.set(true);
    }

    /**
     * Stops sampling.
     *
     * @return every lock seen, held for the time between the first and the last sample that saw it, plus one period
     */
    public List<RelationLock> stop() {
        stop.set(true);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SQLException e = failure;
        if (e != null) {
            log.warn("The lock sampler failed: SQLState {}: {}", e.getSQLState(), e.getMessage());
        }
        List<RelationLock> out = new ArrayList<>();
        synchronized (seen) {
            seen.forEach((lock, span) -> out.add(
                    new RelationLock(lock.table(), lock.mode(), Duration.ofNanos(span[1] - span[0] + PERIOD_NANOS))));
        }
        return out;
    }
}
