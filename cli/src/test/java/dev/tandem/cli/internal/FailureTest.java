package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.TandemException;
import dev.tandem.Violation;
import dev.tandem.cli.ExitCodes;
import dev.tandem.postgres.PostgresOptions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureTest {

    private static final Hints HINTS = new Hints(PostgresOptions.defaults().withRunnerLockWait(Duration.ofSeconds(5)));

    /** A TandemException this CLI does not know: only its code tells what it is. */
    static final class Unknown extends TandemException {
        private static final long serialVersionUID = 1L;

        Unknown(ErrorCode code) {
            super(code, "something", null);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorCode.class,
            names = {
                "CONTRACT_REFUSED",
                "OLD_VERSION_CONNECTED",
                "STATE_CONFLICT",
                "CHECKSUM_CHANGED",
                "STATE_SCHEMA_NEWER"
            })
    void of_planStateException_isRefused(ErrorCode code) {
        Failure f = Failure.of(new PlanStateException(code, "p1", "Refused."), HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(f.kind()).isEqualTo("refused");
        assertThat(f.code()).isEqualTo(code);
        assertThat(f.planId()).isEqualTo("p1");
        assertThat(f.message()).isEqualTo("Refused. [" + code.code() + "]");
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorCode.class,
            names = {"PLAN_INVALID", "SCHEMA_MISMATCH"})
    void of_planValidationException_isRefused(ErrorCode code) {
        Failure f = Failure.of(
                new PlanValidationException(code, "p1", List.of(new Violation("p1/step", "no table customers"))),
                HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(f.kind()).isEqualTo("refused");
        assertThat(f.planId()).isEqualTo("p1");
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorCode.class,
            names = {"RUNNER_LOCKED", "LOCK_TIMEOUT"})
    void of_lockNotAcquired_isBlocked(ErrorCode code) {
        LockNotAcquiredException.BlockingSession holder =
                new LockNotAcquiredException.BlockingSession(42, "idle", -1, "advisory", "SELECT 1", "other");
        Failure f = Failure.of(new LockNotAcquiredException(code, "p1", "Locked.", List.of(holder), null), HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.BLOCKED);
        assertThat(f.kind()).isEqualTo("blocked");
        assertThat(f.blockers()).containsExactly(holder);
        assertThat(f.hint()).isNotNull();
    }

    @Test
    void of_runnerLocked_hintNamesTheOptionAndItsValue() {
        Failure f = Failure.of(
                new LockNotAcquiredException(ErrorCode.RUNNER_LOCKED, "p1", "Locked.", List.of(), null), HINTS);
        assertThat(f.hint())
                .isEqualTo("Let the other runner finish, or wait for it with --runner-lock-wait <duration> (now 5s).");
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorCode.class,
            names = {"STEP_FAILED", "BACKFILL_FAILED", "UNMAPPED_VALUE"})
    void of_stepExecutionException_isFailure(ErrorCode code) {
        Failure f = Failure.of(
                new StepExecutionException(
                        code, "p1", "p1/expand", "expand", "42P01", "Failed.", new SQLException("x", "42P01")),
                HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(f.kind()).isEqualTo("failed");
        assertThat(f.sqlState()).isEqualTo("42P01");
    }

    @Test
    void of_stepExecutionExceptionWithLockCode_stillFailureByType() {
        Failure f = Failure.of(
                new StepExecutionException(ErrorCode.LOCK_TIMEOUT, "p1", null, "expand", "55P03", "Failed.", null),
                HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.FAILURE);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void of_unknownTandemException_decidedByCode(ErrorCode code) {
        int expected = switch (code) {
            case LOCK_TIMEOUT, RUNNER_LOCKED -> ExitCodes.BLOCKED;
            case STATE_CONFLICT, CHECKSUM_CHANGED, CONTRACT_REFUSED, OLD_VERSION_CONNECTED, STATE_SCHEMA_NEWER ->
                ExitCodes.REFUSED;
            default -> ExitCodes.FAILURE;
        };
        assertThat(Failure.of(new Unknown(code), HINTS).exitCode()).isEqualTo(expected);
    }

    @Test
    void of_usageException_isUsage() {
        Failure f = Failure.of(new UsageException("Bad."), HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(f.kind()).isEqualTo("usage");
        assertThat(f.code()).isNull();
        assertThat(f.message()).isEqualTo("Bad.");
    }

    @Test
    void of_unexpected_isFailureNamingTheType() {
        Failure f = Failure.of(new IllegalStateException("boom"), HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(f.message())
                .isEqualTo("Unexpected java.lang.IllegalStateException: boom (run with --verbose for the stack trace)");
    }

    @Test
    void of_messageThatLooksLikeALock_isNotParsed() {
        // the decision is by type and code: a message never changes the exit code
        Failure f = Failure.of(
                new PlanStateException(ErrorCode.STATE_CONFLICT, "p1", "another runner holds the lock [TANDEM-0310]"),
                HINTS);
        assertThat(f.exitCode()).isEqualTo(ExitCodes.REFUSED);
    }
}
