package dev.tandem;

import org.jspecify.annotations.Nullable;

/**
 * A step's SQL failed. Carries the plan, the step, the phase and the SQLState; the database's own exception is the
 * cause.
 */
public final class StepExecutionException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final String planId;
    private final @Nullable String stepId;
    private final String phase;
    private final @Nullable String sqlState;

    /**
     * Creates the exception.
     *
     * @param errorCode the code, usually {@link ErrorCode#STEP_FAILED} or {@link ErrorCode#BACKFILL_FAILED}
     * @param planId the plan's id
     * @param stepId the failing step's id, or {@code null} for plan-level work
     * @param phase the phase, such as {@code expand}
     * @param sqlState the SQLState of the failure, or {@code null}
     * @param message what failed, where, and what to change
     * @param cause the database's exception
     */
    public StepExecutionException(
            ErrorCode errorCode,
            String planId,
            @Nullable String stepId,
            String phase,
            @Nullable String sqlState,
            String message,
            @Nullable Throwable cause) {
        super(errorCode, message, cause);
        this.planId = planId;
        this.stepId = stepId;
        this.phase = phase;
        this.sqlState = sqlState;
    }

    /** {@return the plan's id} */
    public String planId() {
        return planId;
    }

    /** {@return the failing step's id, or {@code null} for plan-level work} */
    public @Nullable String stepId() {
        return stepId;
    }

    /** {@return the phase that failed, such as {@code expand} or {@code backfill}} */
    public String phase() {
        return phase;
    }

    /** {@return the SQLState of the failure, or {@code null} when it did not come from the database} */
    public @Nullable String sqlState() {
        return sqlState;
    }
}
