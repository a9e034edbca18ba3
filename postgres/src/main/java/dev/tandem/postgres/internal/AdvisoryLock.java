package dev.tandem.postgres.internal;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.LockNotAcquiredException.BlockingSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session-level advisory lock per plan, so two runners (ten pods starting at once) never run the same plan together.
 * Session-level, not transaction-level: it must survive the many short transactions of a phase, and it must not be an
 * open transaction (that would make {@code CREATE INDEX CONCURRENTLY} wait for Tandem itself).
 */
public final class AdvisoryLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdvisoryLock.class);

    /** How long a runner waits for the plan's lock at least, whatever {@code runnerLockWait} says. */
    static final Duration GRACE = Duration.ofSeconds(1);

    /** "Tand" in ASCII: the first key of every Tandem advisory lock, so they never collide with an application's. */
    static final int NAMESPACE = 0x54616e64;

    private final Connection connection;
    private final String planId;
    private final int key;
    private boolean held;

    private AdvisoryLock(Connection connection, String planId, int key) {
        this.connection = connection;
        this.planId = planId;
        this.key = key;
    }

    static int key(String planId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(planId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 4).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Takes the plan's lock on {@code c}, waiting up to {@code wait} for another runner to release it.
     *
     * @param c the connection that will do the plan's work
     * @param planId the plan's id
     * @param wait how long to wait
     * @param phase the phase about to run, for the message
     * @return the held lock; close it to release
     * @throws LockNotAcquiredException if another runner still holds it after {@code wait}
     * @throws SQLException on failure
     */
    public static AdvisoryLock acquire(Connection c, String planId, Duration wait, String phase) throws SQLException {
        AdvisoryLock lock = new AdvisoryLock(c, planId, key(planId));
        // A runner that just died can hold the lock a moment longer, until its server session sees the connection
        // gone: a short grace lets the same command, run again right after a crash, go ahead.
        long deadline = System.nanoTime() + Math.max(wait.toNanos(), GRACE.toNanos());
        long sleep = 50;
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, NAMESPACE);
                ps.setInt(2, lock.key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        lock.held = true;
                        return lock;
                    }
                }
            }
            if (System.nanoTime() >= deadline) {
                List<BlockingSession> holders = Blockers.advisory(c, NAMESPACE, lock.key);
                String who = holders.isEmpty()
                        ? "a runner that has just finished"
                        : holders.stream()
                                .map(BlockingSession::describe)
                                .reduce((a, b) -> a + "; " + b)
                                .orElse("");
                throw new LockNotAcquiredException(
                        ErrorCode.RUNNER_LOCKED,
                        planId,
                        "Cannot run " + phase + " of plan '" + planId + "': another runner holds the plan's lock: "
                                + who + ". Only one runner may work on a plan at a time; nothing was changed. Let the"
                                + " other runner finish, or set PostgresOptions.runnerLockWait (now " + wait
                                + ") to wait for it. If that runner is gone and its session stays (idle, after a"
                                + " network failure), end the session: SELECT pg_terminate_backend(<pid>).",
                        holders,
                        null);
            }
            DdlRunner.sleep(Math.min(sleep, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            sleep = Math.min(1000, sleep * 2);
        }
    }

    @Override
    public void close() {
        if (!held) {
            return;
        }
        held = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, NAMESPACE);
            ps.setInt(2, key);
            ps.execute();
        } catch (SQLException e) {
            // The lock dies with the session anyway (a lost connection releases it); nothing is wrong with the plan,
            // and the phase's own outcome must not hide behind this.
            log.debug(
                    "{} - could not release the plan's advisory lock (it ends with the session): {}",
                    planId,
                    e.getMessage());
        }
    }
}
