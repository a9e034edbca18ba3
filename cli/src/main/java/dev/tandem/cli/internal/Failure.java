package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.TandemException;
import dev.tandem.cli.ExitCodes;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why a command did not succeed, and what it exits with: decided by the exception's type and {@link ErrorCode}, never
 * by its message.
 *
 * @param exitCode one of {@link ExitCodes}, never {@link ExitCodes#OK}
 * @param kind {@code failed}, {@code usage}, {@code refused} or {@code blocked}
 * @param code the error code, or {@code null} if the failure is not Tandem's own
 * @param message what failed, as the exception says it
 * @param hint which CLI option to change, or {@code null}
 * @param planId the plan concerned, or {@code null}
 * @param sqlState the SQLState, or {@code null}
 * @param blockers the sessions holding a lock that was not granted
 * @param cause the exception, for {@code --verbose}
 */
public record Failure(
        int exitCode,
        String kind,
        @Nullable ErrorCode code,
        String message,
        @Nullable String hint,
        @Nullable String planId,
        @Nullable String sqlState,
        List<LockNotAcquiredException.BlockingSession> blockers,
        @Nullable Throwable cause) {

    /** {@code kind} of {@link ExitCodes#FAILURE}. */
    public static final String FAILED = "failed";
    /** {@code kind} of {@link ExitCodes#USAGE}. */
    public static final String USAGE = "usage";
    /** {@code kind} of {@link ExitCodes#REFUSED}. */
    public static final String REFUSED = "refused";
    /** {@code kind} of {@link ExitCodes#BLOCKED}. */
    public static final String BLOCKED = "blocked";

    /**
     * Checks and copies.
     *
     * @param exitCode exit code
     * @param kind kind
     * @param code code
     * @param message message
     * @param hint hint
     * @param planId plan id
     * @param sqlState SQLState
     * @param blockers blocking sessions
     * @param cause cause
     */
    public Failure {
        requireNonNull(kind, "kind");
        requireNonNull(message, "message");
        blockers = List.copyOf(blockers);
        if (exitCode == ExitCodes.OK) {
            throw new IllegalArgumentException("A failure cannot exit with 0");
        }
    }

    /**
     * {@return the failure a refusal found by the CLI itself stands for, such as a verification with problems}
     *
     * @param code the code
     * @param planId the plan
     * @param message what was refused
     * @param hint what to do, or {@code null}
     */
    static Failure refused(ErrorCode code, String planId, String message, @Nullable String hint) {
        return new Failure(ExitCodes.REFUSED, REFUSED, code, message, hint, planId, null, List.of(), null);
    }

    /**
     * {@return what {@code e} means for the exit code and the output}
     *
     * @param e what a command threw
     * @param hints the options in force, to name in hints
     */
    public static Failure of(Throwable e, Hints hints) {
        if (e instanceof UsageException) {
            return new Failure(ExitCodes.USAGE, USAGE, null, message(e), null, null, null, List.of(), e.getCause());
        }
        if (e instanceof LockNotAcquiredException lock) {
            return new Failure(
                    ExitCodes.BLOCKED,
                    BLOCKED,
                    lock.errorCode(),
                    message(e),
                    hints.forCode(lock.errorCode()),
                    lock.planId(),
                    null,
                    lock.blockers(),
                    e);
        }
        if (e instanceof PlanStateException state) {
            return tandem(ExitCodes.REFUSED, REFUSED, state, state.planId(), null, hints);
        }
        if (e instanceof PlanValidationException invalid) {
            return tandem(ExitCodes.REFUSED, REFUSED, invalid, invalid.planId(), null, hints);
        }
        if (e instanceof StepExecutionException step) {
            return tandem(ExitCodes.FAILURE, FAILED, step, step.planId(), step.sqlState(), hints);
        }
        if (e instanceof TandemException other) {
            // a subclass this CLI does not know yet: its code still says what kind of failure it is
            return switch (other.errorCode()) {
                case LOCK_TIMEOUT, RUNNER_LOCKED -> tandem(ExitCodes.BLOCKED, BLOCKED, other, null, null, hints);
                case STATE_CONFLICT, CHECKSUM_CHANGED, CONTRACT_REFUSED, OLD_VERSION_CONNECTED, STATE_SCHEMA_NEWER ->
                    tandem(ExitCodes.REFUSED, REFUSED, other, null, null, hints);
                default -> tandem(ExitCodes.FAILURE, FAILED, other, null, null, hints);
            };
        }
        return new Failure(
                ExitCodes.FAILURE,
                FAILED,
                null,
                "Unexpected " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + " (run with --verbose for the stack trace)",
                null,
                null,
                null,
                List.of(),
                e);
    }

    private static Failure tandem(
            int exit, String kind, TandemException e, @Nullable String planId, @Nullable String sqlState, Hints hints) {
        return new Failure(
                exit, kind, e.errorCode(), message(e), hints.forCode(e.errorCode()), planId, sqlState, List.of(), e);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getName() : m;
    }
}
