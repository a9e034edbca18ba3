package dev.tandem;

/**
 * The state stored in the database does not allow what was asked: a phase out of order, a plan that changed after it
 * started, or a contract that is not yet safe. Nothing was changed.
 */
public final class PlanStateException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final String planId;

    /**
     * Creates the exception.
     *
     * @param errorCode the code, such as {@link ErrorCode#CHECKSUM_CHANGED} or {@link ErrorCode#CONTRACT_REFUSED}
     * @param planId the plan's id
     * @param message what was refused, why, and how to proceed
     */
    public PlanStateException(ErrorCode errorCode, String planId, String message) {
        super(errorCode, message, null);
        this.planId = planId;
    }

    /** {@return the plan's id} */
    public String planId() {
        return planId;
    }
}
