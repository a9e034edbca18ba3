package dev.tandem;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A lock could not be taken in time: a DDL statement's table lock before its retry deadline, or the plan's advisory
 * lock because another runner holds it. The message names the blocking sessions and the option that raises the limit.
 */
public final class LockNotAcquiredException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final String planId;
    private final List<BlockingSession> blockers;

    /**
     * Creates the exception.
     *
     * @param errorCode {@link ErrorCode#LOCK_TIMEOUT} or {@link ErrorCode#RUNNER_LOCKED}
     * @param planId the plan's id
     * @param message what could not be locked, who holds it, and which option to change
     * @param blockers the sessions seen holding the lock at the last attempt
     * @param cause the last lock-timeout failure, or {@code null}
     */
    public LockNotAcquiredException(
            ErrorCode errorCode,
            String planId,
            String message,
            List<BlockingSession> blockers,
            @Nullable Throwable cause) {
        super(errorCode, message, cause);
        this.planId = planId;
        this.blockers = List.copyOf(blockers);
    }

    /** {@return the plan's id} */
    public String planId() {
        return planId;
    }

    /** {@return the sessions that held the lock at the last attempt; may be empty if they ended meanwhile} */
    public List<BlockingSession> blockers() {
        return blockers;
    }

    /**
     * A database session that held a conflicting lock.
     *
     * @param pid the server process id ({@code pg_stat_activity.pid})
     * @param state the session's state, such as {@code idle in transaction}
     * @param transactionAgeMillis how long its current transaction has been open, or -1 if it has none
     * @param lockMode the lock it holds, such as {@code AccessShareLock}
     * @param query its current or last query, capped at 200 characters
     * @param applicationName its {@code application_name}
     */
    public record BlockingSession(
            int pid, String state, long transactionAgeMillis, String lockMode, String query, String applicationName) {

        /** {@return a one-line description for messages} */
        public String describe() {
            String age = transactionAgeMillis < 0
                    ? "no open transaction"
                    : "transaction open " + transactionAgeMillis + " ms";
            String app = applicationName.isEmpty() ? "" : ", application '" + applicationName + "'";
            return "pid " + pid + " (" + state + ", " + age + ", holds " + lockMode + app + ", query: " + query + ")";
        }
    }
}
