package dev.tandem;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A plan breaks one or more rules: thrown by {@link PlanBuilder#build()} with every violation at once, or by an
 * executor's pre-flight when the plan does not fit the database (an unknown table or column). Nothing ran.
 */
public final class PlanValidationException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final String planId;
    private final List<Violation> violations;

    /**
     * Creates the exception.
     *
     * @param errorCode {@link ErrorCode#PLAN_INVALID} or {@link ErrorCode#SCHEMA_MISMATCH}
     * @param planId the plan's id
     * @param violations every violation found, at least one
     */
    public PlanValidationException(ErrorCode errorCode, String planId, List<Violation> violations) {
        super(errorCode, message(errorCode, planId, violations), null);
        this.planId = planId;
        this.violations = List.copyOf(violations);
    }

    private static String message(ErrorCode code, String planId, List<Violation> violations) {
        String kind = code == ErrorCode.SCHEMA_MISMATCH ? "does not fit the database" : "is invalid";
        return "Plan '" + planId + "' " + kind + " (" + violations.size()
                + (violations.size() == 1 ? " problem" : " problems") + "; nothing was changed):"
                + violations.stream().map(v -> "\n  - " + v).collect(Collectors.joining());
    }

    /** {@return the id of the plan at fault} */
    public String planId() {
        return planId;
    }

    /** {@return every violation found, in plan order} */
    public List<Violation> violations() {
        return violations;
    }
}
